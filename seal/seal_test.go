package seal

import (
	"errors"
	"strings"
	"testing"

	"github.com/chatalott/chatalott/keys"
)

func TestSealOpen(t *testing.T) {
	ring, _ := keys.NewRing()
	ad := AssociatedData("two_factor", "secret", "user-1")
	sealed, err := Seal(ring, []byte("JBSWY3DPEHPK3PXP"), ad)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatal("sealed value contains the plaintext")
	}
	plain, err := Open(ring, sealed, ad)
	if err != nil || string(plain) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", plain, err)
	}

	other, _ := keys.NewRing()
	tampered := sealed[:len(sealed)-2] + "AA"
	cases := map[string]func() ([]byte, error){
		"other row":    func() ([]byte, error) { return Open(ring, sealed, AssociatedData("two_factor", "secret", "user-2")) },
		"other column": func() ([]byte, error) { return Open(ring, sealed, AssociatedData("two_factor", "other", "user-1")) },
		"unknown key":  func() ([]byte, error) { return Open(other, sealed, ad) },
		"tampered":     func() ([]byte, error) { return Open(ring, tampered, ad) },
		"garbage":      func() ([]byte, error) { return Open(ring, "nonsense", ad) },
	}
	for name, open := range cases {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err %v, want ErrOpen", name, err)
		}
	}

	// After rotation the old key still opens what it sealed.
	newRing, _ := keys.NewRing()
	oldID, oldKey := ring.CurrentKey()
	newRing.Keys[oldID] = oldKey
	if plain, err := Open(newRing, sealed, ad); err != nil || string(plain) != "JBSWY3DPEHPK3PXP" {
		t.Errorf("Open after rotation = %q, %v", plain, err)
	}
}
