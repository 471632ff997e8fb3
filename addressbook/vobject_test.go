package addressbook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chatalott/chatalott/contacts"
)

// vobjectScript parses every card of the file named by argv[1] with Python's
// vobject and prints one FN value per line.
const vobjectScript = `
import sys, vobject
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for card in vobject.readComponents(f.read(), validate=True):
        print(card.fn.value.replace("\n", "\\n"))
`

// findVObjectPython returns a Python interpreter that can import vobject.
// The python3 first on PATH may be a separate installation (pyenv) without
// the Debian package, so the system interpreter is tried too.
func findVObjectPython() (string, bool) {
	for _, candidate := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(candidate)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import vobject").Run() == nil {
			return path, true
		}
	}
	return "", false
}

func TestVCardExportParsesWithVObject(t *testing.T) {
	python, ok := findVObjectPython()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("no python3 with vobject found; install the Debian package python3-vobject")
		}
		t.Skip("no python3 with vobject found; install the Debian package python3-vobject to run this test")
	}

	var list []*contacts.Contact
	exp := loadExpected(t)
	for name := range exp.Files {
		records, _ := readAll(t, mustRead(t, filepath.Join("testdata", "samples", name)), Options{})
		for _, rec := range records {
			list = append(list, rec.Contact)
		}
	}
	list = append(list, roundTripContacts(t)...)
	for _, p := range hostilePayloads {
		list = append(list, hostileContact(p))
	}
	want := make([]string, len(list))
	for i, c := range list {
		want[i] = strings.ReplaceAll(c.DisplayName(), "\n", `\n`)
	}

	for _, version := range []VCardVersion{VCard30, VCard40} {
		t.Run(string(version), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "export.vcf")
			if err := os.WriteFile(path, writeVCard(t, list, version), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, "-c", vobjectScript, path)
			cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("vobject failed: %v\n%s", err, out)
			}
			got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(got) != len(want) {
				t.Fatalf("vobject read %d cards, want %d:\n%s", len(got), len(want), out)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("card %d: vobject FN = %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}
