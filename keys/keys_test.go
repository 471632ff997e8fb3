package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadGeneratesFileWithOwnerOnlyMode(t *testing.T) {
	t.Setenv("TEST_KEYS", "")
	dir := filepath.Join(t.TempDir(), "keys")
	first, created, err := Load("TEST_KEYS", dir, "session-keys")
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("first Load did not report a generated key")
	}
	info, err := os.Stat(filepath.Join(dir, "session-keys"))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode = %o, want 600", mode)
	}
	if _, key := first.CurrentKey(); len(key) != MinKeyBytes {
		t.Errorf("generated key has %d bytes, want %d", len(key), MinKeyBytes)
	}

	second, created, err := Load("TEST_KEYS", dir, "session-keys")
	if err != nil {
		t.Fatal(err)
	}
	if created || second.Format() != first.Format() {
		t.Error("second Load did not return the kept key")
	}
}

func TestLoadFromEnvironment(t *testing.T) {
	ring, _ := NewRing()
	old, _ := NewRing()
	oldID, oldKey := old.CurrentKey()
	ring.Keys[oldID] = oldKey
	t.Setenv("TEST_KEYS", ring.Format())
	dir := t.TempDir()
	got, created, err := Load("TEST_KEYS", dir, "session-keys")
	if err != nil {
		t.Fatal(err)
	}
	if created || got.Current != ring.Current || len(got.Keys) != 2 {
		t.Errorf("Load from env: current %q with %d keys, created %v; want %q with 2 keys", got.Current, len(got.Keys), created, ring.Current)
	}
	if _, err := os.Stat(filepath.Join(dir, "session-keys")); err == nil {
		t.Error("Load from env wrote a key file")
	}
}

func TestLoadFromFileVariable(t *testing.T) {
	ring, _ := NewRing()
	path := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(path, []byte(ring.Format()+"\n"), 0o600)
	t.Setenv("TEST_KEYS", "")
	t.Setenv("TEST_KEYS_FILE", path)
	got, _, err := Load("TEST_KEYS", t.TempDir(), "session-keys")
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != ring.Current {
		t.Errorf("Load from _FILE: current %q, want %q", got.Current, ring.Current)
	}
}

func TestParseRingRejects(t *testing.T) {
	cases := map[string]string{
		"no id":         "AAAA",
		"short key":     "k1:" + strings.Repeat("A", 20),
		"not base64":    "k1:!!!!",
		"duplicate ids": "k1:" + strings.Repeat("A", 43) + ",k1:" + strings.Repeat("B", 43),
	}
	for name, in := range cases {
		if _, err := ParseRing(in); err == nil {
			t.Errorf("%s: ParseRing succeeded, want an error", name)
		}
	}
}
