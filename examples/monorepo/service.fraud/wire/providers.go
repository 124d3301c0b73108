// Package wire provides the fraud service's dependencies (dependency injection).
package wire

import (
	"google.golang.org/grpc"

	accountspb "github.com/monzo/wearedev/service.accounts/proto"
)

// ProvideAccountsClient builds the accounts client from a connection made elsewhere.
func ProvideAccountsClient(conn *grpc.ClientConn) accountspb.AccountsClient {
	return accountspb.NewAccountsClient(conn)
}
