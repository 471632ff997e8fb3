package chatalott

import "github.com/google/uuid"

// NewID returns a new record id: a UUIDv7, which is random (74 bits) and
// time-ordered, so ids in URLs cannot be guessed or enumerated while
// indexes stay compact.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
