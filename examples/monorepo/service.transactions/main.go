package main

import (
	"context"
	"log"
	"os"

	"google.golang.org/grpc"

	ledgerproto "github.com/monzo/wearedev/service.ledger/proto"
	"github.com/monzo/wearedev/common/client"
)

func main() {
	// The ledger's address comes from the environment (set in deploy/k8s/transactions.yaml).
	conn, err := grpc.Dial(os.Getenv("LEDGER_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	ledger := ledgerproto.NewLedgerClient(conn)
	_, _ = ledger.ReadBalance(context.Background(), &ledgerproto.ReadBalanceRequest{AccountId: "acc_1"})
	// The shared notifications client: the call is this service's.
	notifications := client.NewNotificationsClient()
	_ = notifications.Notify("acc_1")
	_ = client.Notify("acc_1")
}
