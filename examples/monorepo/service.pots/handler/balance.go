package handler

import "google.golang.org/grpc"

// ledgerTarget is resolved by Consul, where the ledger is registered as srv-ledger.
const ledgerTarget = "consul://consul.service.consul:8500/srv-ledger?wait=14s"

// DialLedger connects to the ledger through the service registry.
func DialLedger() (*grpc.ClientConn, error) {
	return grpc.Dial(ledgerTarget)
}
