// Package accountsservice is a client for the accounts service (an RPC framework whose
// clients take the callee's registered name).
package accountsservice

// Client calls accounts.
type Client interface{}

// NewClient returns a client for the service registered as destService.
func NewClient(destService string, opts ...interface{}) (Client, error) {
	return nil, nil
}
