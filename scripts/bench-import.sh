#!/usr/bin/env bash
# Times a 100,000-row Google Contacts CSV import with "chatalott import" on
# SQLite and on PostgreSQL and prints wall time and peak memory (GNU time).
# It creates and drops its own PostgreSQL database, chatalott_import_bench,
# and that database's application role on 127.0.0.1, and works in a
# temporary folder it deletes at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb -h 127.0.0.1 -U postgres --if-exists chatalott_import_bench 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP ROLE IF EXISTS chatalott_app_chatalott_import_bench" 2>/dev/null || true' EXIT

go build -o "$work/chatalott" ./cmd/chatalott
python3 - "$work/contacts.csv" "$rows" <<'PY'
import csv, random, sys
random.seed(1)
header = ["First Name", "Middle Name", "Last Name", "Nickname", "Organization Name", "Organization Title",
          "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
          "Phone 1 - Value", "Address 1 - Label", "Address 1 - Street", "Address 1 - City",
          "Address 1 - Postal Code", "Address 1 - Country", "Website 1 - Label", "Website 1 - Value"]
given = ["Ana", "Bo", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Gustavo", "Hanna", "José", "Kenji", "Léa", "Zoë"]
family = ["Lima", "Berg", "Dubois", "Ivanov", "Kim", "Haddad", "Núñez", "Sato", "Okafor", "O'Brien"]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for i in range(int(sys.argv[2])):
        w.writerow([random.choice(given), "", random.choice(family), "", f"Company {i % 997}", "Manager",
                    f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"Note for contact {i}\nsecond line",
                    "* myContacts ::: Clients", "Work", f"person{i}@example.com", "Mobile", f"+1 555 {i:07d}",
                    "Home", f"{i} Main St", "Springfield", f"{10000 + i % 89999}", "USA", "Profile",
                    f"https://example.com/p/{i}"])
PY

run() {
  echo "correct horse battery" | "$work/chatalott" user add --data "$work/data" --email bench@example.com --name Bench >/dev/null
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$work/chatalott" import --data "$work/data" --user bench@example.com "$work/contacts.csv"
}

echo "== SQLite"
DATABASE_URL= run
echo "== PostgreSQL"
createdb -h 127.0.0.1 -U postgres chatalott_import_bench
DATABASE_URL="postgres://postgres@127.0.0.1:5432/chatalott_import_bench?sslmode=disable" run
