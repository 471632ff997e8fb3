package chatalott

// Scope is the tenant boundary of one call: the workspace whose data the call
// may touch and the user acting in it. Every service and storage method that
// reads or writes customer data takes a Scope, so a query that is not scoped
// to a workspace cannot be written by accident.
type Scope struct {
	WorkspaceID string
	UserID      string
}

// Valid reports whether both ids are set. Storage rejects an invalid scope.
func (s Scope) Valid() bool { return s.WorkspaceID != "" && s.UserID != "" }
