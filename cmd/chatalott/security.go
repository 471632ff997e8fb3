package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/ratelimit"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/twofactor"
	"github.com/redis/go-redis/v9"
)

// openLimiter returns the Redis limiter when REDIS_URL is set, and the
// in-process one otherwise, with the configured limits.
func openLimiter(ctx context.Context, logger *slog.Logger) (ratelimit.Limiter, ratelimit.Limits, func(), error) {
	limits := ratelimit.DefaultLimits()
	if spec := os.Getenv("CHATALOTT_RATE_LIMITS"); spec != "" {
		if err := limits.Override(spec); err != nil {
			return nil, limits, nil, fmt.Errorf("CHATALOTT_RATE_LIMITS: %w", err)
		}
	}
	url := os.Getenv("REDIS_URL")
	if url == "" {
		logger.Info("rate limits in process; set REDIS_URL to share them between instances")
		return ratelimit.NewMemory(time.Now), limits, func() {}, nil
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, limits, nil, fmt.Errorf("REDIS_URL is not a redis:// or rediss:// URL: %w", err)
	}
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, limits, nil, fmt.Errorf("connect to Redis at %s: %w", opts.Addr, err)
	}
	logger.Info("rate limits in Redis", "addr", opts.Addr)
	return ratelimit.NewRedis(client, "chatalott:"), limits, func() { client.Close() }, nil
}

// newTwoFactor returns the two-factor service with its encryption keys,
// loaded like the session keys: from CHATALOTT_ENCRYPTION_KEYS, a _FILE, or
// a file generated in the data folder.
func newTwoFactor(cfg *config, db *sqlstore.DB, logger *slog.Logger) (*twofactor.Service, error) {
	dir := filepath.Join(cfg.DataDir, "keys")
	ring, created, err := keys.Load("CHATALOTT_ENCRYPTION_KEYS", dir, "encryption-keys")
	if err != nil {
		return nil, err
	}
	if created {
		logger.Info("generated encryption key", "path", filepath.Join(dir, "encryption-keys"))
	}
	return &twofactor.Service{Store: &sqlstore.TwoFactorStore{DB: db}, Keys: ring, Now: time.Now}, nil
}
