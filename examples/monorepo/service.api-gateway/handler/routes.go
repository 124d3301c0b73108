package handler

import (
	"google.golang.org/grpc"

	"github.com/monzo/wearedev/service.api-gateway/kitex_gen/accountsservice"
)

const authTarget = "dns:///service-auth:9000"

// Routes wires the gateway's clients.
func Routes() error {
	accounts, err := accountsservice.NewClient("accounts")
	if err != nil {
		return err
	}
	_ = accounts
	conn, err := grpc.NewClient(authTarget)
	if err != nil {
		return err
	}
	return conn.Close()
}
