package handler

import (
	"context"

	"github.com/monzo/wearedev/common/grpcx"
)

// openLedger dials the ledger through the shared helper: the address is this service's.
func openLedger(ctx context.Context) error {
	conn, err := grpcx.Dial(ctx, "ledger:8080")
	if err != nil {
		return err
	}
	return conn.Close()
}
