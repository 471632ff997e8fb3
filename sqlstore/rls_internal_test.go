package sqlstore

import (
	"regexp"
	"strings"
	"testing"
)

func TestAppRoleName(t *testing.T) {
	hashed := regexp.MustCompile(`^chatalott_app_[0-9a-f]{16}$`)
	if got := appRoleName("chatalott"); got != "chatalott_app_chatalott" {
		t.Errorf("appRoleName(chatalott) = %q, want chatalott_app_chatalott", got)
	}
	for _, database := range []string{"Chatalott-Prod", `crm"; DROP TABLE users; --`, strings.Repeat("a", 41), ""} {
		if got := appRoleName(database); !hashed.MatchString(got) {
			t.Errorf("appRoleName(%q) = %q, want chatalott_app_ and 16 hex digits", database, got)
		}
	}
	if appRoleName("Chatalott-Prod") == appRoleName("chatalott-prod") {
		t.Error("two database names that differ in case share one role")
	}
}
