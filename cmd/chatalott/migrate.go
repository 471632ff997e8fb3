package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("migrate", "Apply every pending database migration and exit. Uses DATABASE_URL when it is set,\notherwise the SQLite database in the data folder.", stderr)
	cfg.addDataFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger, err := newLogger(stderr, "info")
	if err != nil {
		return err
	}
	db, applied, err := openAndMigrate(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(applied) > 0 {
		fmt.Fprintf(stdout, "Applied %d migrations.\n", len(applied))
	}
	fmt.Fprintf(stdout, "Database (%s) is up to date.\n", db.Dialect)
	if role := db.AppRole(); role != "" {
		fmt.Fprintf(stdout, "Queries run as role %s, under row-level security.\n", role)
	}
	return nil
}
