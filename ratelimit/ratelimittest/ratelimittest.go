// Package ratelimittest connects tests to the Redis server they share,
// under a key prefix of their own.
package ratelimittest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisURL is the server tests use when CHATALOTT_TEST_REDIS_URL is not set.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// Client returns a client for the test Redis server and a key prefix unique
// to t; keys under the prefix are deleted when t ends. When Redis cannot be
// reached the test is skipped, except under CI=true, where that fails.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("CHATALOTT_TEST_REDIS_URL")
	if url == "" {
		url = DefaultRedisURL
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("ratelimittest: CHATALOTT_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("ratelimittest: Redis at %s is required under CI=true: %v", opts.Addr, err)
		}
		t.Skipf("ratelimittest: Redis at %s is not reachable (%v); set CHATALOTT_TEST_REDIS_URL or start it", opts.Addr, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "chatalott-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		client.Close()
	})
	return client, prefix
}
