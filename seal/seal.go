// Package seal encrypts small secrets for storage with AES-256-GCM. Each
// sealed value names the key that sealed it, so keys rotate without
// re-encrypting everything at once, and carries associated data that binds
// it to its place (table, column and row): a sealed value copied to another
// row or column does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/chatalott/chatalott/keys"
)

// ErrOpen is returned for every sealed value that cannot be opened: unknown
// key, tampered text or associated data that does not match.
var ErrOpen = errors.New("seal: cannot open value")

// AssociatedData names the place of a sealed value: table, column and row id.
func AssociatedData(table, column, rowID string) []byte {
	return []byte("chatalott/" + table + "/" + column + "/" + rowID)
}

// Seal encrypts plaintext with the ring's current key and returns
// "keyID.base64url(nonce || ciphertext)".
func Seal(ring *keys.Ring, plaintext, associatedData []byte) (string, error) {
	id, key := ring.CurrentKey()
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, associatedData)
	return id + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same associated data.
func Open(ring *keys.Ring, sealed string, associatedData []byte) ([]byte, error) {
	id, encoded, ok := strings.Cut(sealed, ".")
	if !ok {
		return nil, ErrOpen
	}
	key, ok := ring.Key(id)
	if !ok {
		return nil, fmt.Errorf("%w: key %q is not configured", ErrOpen, id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return nil, ErrOpen
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(raw) < aead.NonceSize() {
		return nil, ErrOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], associatedData)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("seal: key has %d bytes; AES-256 needs 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return cipher.NewGCM(block)
}
