package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
)

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(stderr, "Usage: chatalott user add --email EMAIL --name NAME\n\nCreate an account; the password is read from standard input.\n")
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, "Usage: chatalott user add --email EMAIL --name NAME\n")
		return errors.New(`unknown user command; use "chatalott user add"`)
	}
	var cfg config
	var email, name string
	fs := newFlagSet("user add", "Create an account with a personal workspace. The password is read from the first\nline of standard input, so it never appears in the process list or shell history.", stderr)
	cfg.addDataFlags(fs)
	fs.StringVar(&email, "email", "", "email address to log in with")
	fs.StringVar(&name, "name", "", "name shown for the account")
	fs.IntVar(&cfg.BcryptCost, "bcrypt-cost", envInt("CHATALOTT_BCRYPT_COST", 10), "bcrypt cost of the password hash (env CHATALOTT_BCRYPT_COST)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")

	logger, err := newLogger(stderr, "warn")
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	hasher, err := accounts.NewHasher(cfg.BcryptCost)
	if err != nil {
		return err
	}
	svc := &accounts.Service{Store: &sqlstore.AccountStore{DB: db}, Hasher: hasher, Now: time.Now, NewID: chatalott.NewID}
	u, _, err := svc.SignUp(ctx, accounts.SignUpRequest{Name: name, Email: email, Password: password})
	if err != nil {
		var verrs chatalott.ValidationErrors
		if errors.As(err, &verrs) {
			var msgs []string
			for _, e := range verrs {
				msgs = append(msgs, "--"+e.Field+": "+e.Message)
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		return errors.New(userMessage(err))
	}
	fmt.Fprintf(stdout, "Created account %s (%s).\n", u.Email, u.ID)
	return nil
}

// stdinReader is the standard input that "user add" reads the password from.
var stdinReader io.Reader = os.Stdin
