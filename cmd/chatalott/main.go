// Command chatalott runs the Chatalott CRM server and its operator tasks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it, the module version or VCS revision from the build info is used.
var version = ""

const usage = `Chatalott is a self-hosted CRM for freelancers and small sales teams.

Usage:
  chatalott <command> [flags]

Commands:
  serve     run the web server (HTTPS, with a plain-HTTP redirect)
  migrate   apply database migrations and exit
  import    import contacts from CSV, vCard or JSON files
  export    export contacts as JSON, CSV or vCard
  user add  create an account (password on standard input)
  version   print the version and exit

Run "chatalott <command> --help" for the flags of a command.
Configuration that holds secrets comes from the environment; see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "chatalott:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given; run \"chatalott serve\" to start the server")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], stdout, stderr)
	case "version":
		return runVersion(args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdinReader, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q; use serve, migrate, import, export, user or version", args[0])
	}
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "Print the version of this chatalott binary.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "chatalott", versionString())
	return nil
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return "dev-" + s.Value
		}
	}
	return "dev"
}

// newFlagSet returns a flag set whose --help prints summary and the flags.
func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// A summary may end with its own "Usage:" line, which then replaces
	// the generic one.
	usage := "Usage: chatalott " + name + " [flags]"
	if i := strings.LastIndex(summary, "\nUsage: "); i >= 0 {
		summary, usage = summary[:i], summary[i+1:]
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\n%s\n\nFlags:\n", usage, summary)
		fs.PrintDefaults()
	}
	return fs
}
