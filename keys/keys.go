// Package keys loads the secret keys Chatalott signs and encrypts with: from
// the environment, from a file named by the environment, or from a file in
// the data folder that is generated with mode 0600 on first start.
package keys

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MinKeyBytes is the shortest key accepted: 256 bits.
const MinKeyBytes = 32

// Ring is a set of keys with ids. Current signs or encrypts; every key in
// Keys verifies or decrypts, so a key can rotate without invalidating what
// the previous key produced.
type Ring struct {
	Current string
	Keys    map[string][]byte
}

// Key returns the key with id, if the ring has it.
func (r *Ring) Key(id string) ([]byte, bool) {
	k, ok := r.Keys[id]
	return k, ok
}

// CurrentKey returns the id and the key that sign or encrypt new data.
func (r *Ring) CurrentKey() (string, []byte) { return r.Current, r.Keys[r.Current] }

// ParseRing parses "id1:base64key1,id2:base64key2"; the first key is current.
// Keys are standard or URL-safe base64, padded or not.
func ParseRing(s string) (*Ring, error) {
	r := &Ring{Keys: map[string][]byte{}}
	for i, part := range strings.Split(strings.TrimSpace(s), ",") {
		id, encoded, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("keys: entry %d is not in the form id:base64key", i+1)
		}
		key, err := decodeKey(encoded)
		if err != nil {
			return nil, fmt.Errorf("keys: key %q is not base64: %w", id, err)
		}
		if len(key) < MinKeyBytes {
			return nil, fmt.Errorf("keys: key %q has %d bytes; use at least %d random bytes", id, len(key), MinKeyBytes)
		}
		if _, dup := r.Keys[id]; dup {
			return nil, fmt.Errorf("keys: key id %q appears twice; give each key its own id", id)
		}
		r.Keys[id] = key
		if i == 0 {
			r.Current = id
		}
	}
	return r, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if key, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return key, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// Format returns r in the form ParseRing reads, current key first.
func (r *Ring) Format() string {
	parts := []string{r.Current + ":" + base64.RawURLEncoding.EncodeToString(r.Keys[r.Current])}
	for id, k := range r.Keys {
		if id != r.Current {
			parts = append(parts, id+":"+base64.RawURLEncoding.EncodeToString(k))
		}
	}
	return strings.Join(parts, ",")
}

// NewRing returns a ring with one fresh random key of MinKeyBytes bytes.
func NewRing() (*Ring, error) {
	key := make([]byte, MinKeyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("keys: generate key: %w", err)
	}
	idBytes := make([]byte, 6)
	if _, err := rand.Read(idBytes); err != nil {
		return nil, fmt.Errorf("keys: generate key id: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(idBytes)
	return &Ring{Current: id, Keys: map[string][]byte{id: key}}, nil
}

// Load returns the ring named env: from the environment variable env, else
// from the file named by env+"_FILE", else from dir/file, which is created
// with a fresh key and mode 0600 when it does not exist. The bool reports
// whether a new key was generated.
func Load(env, dir, file string) (*Ring, bool, error) {
	if v := os.Getenv(env); v != "" {
		r, err := ParseRing(v)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", env, err)
		}
		return r, false, nil
	}
	if path := os.Getenv(env + "_FILE"); path != "" {
		return loadFile(path)
	}
	path := filepath.Join(dir, file)
	r, _, err := loadFile(path)
	if err == nil {
		return r, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if r, err = NewRing(); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("keys: create %s: %w", dir, err)
	}
	// O_EXCL keeps a concurrent first start from overwriting a key that
	// another process has just written.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- fixed file name in the data folder
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			r, _, err := loadFile(path)
			return r, false, err
		}
		return nil, false, fmt.Errorf("keys: create %s: %w", path, err)
	}
	if _, err := f.WriteString(r.Format() + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("keys: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("keys: write %s: %w", path, err)
	}
	return r, true, nil
}

func loadFile(path string) (*Ring, bool, error) {
	// The path is the operator's *_FILE variable or the fixed file in the
	// data folder; no request can choose it.
	data, err := os.ReadFile(path) // #nosec G304 G703 -- operator-chosen path
	if err != nil {
		return nil, false, fmt.Errorf("keys: read %s: %w", path, err)
	}
	r, err := ParseRing(string(data))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return r, false, nil
}
