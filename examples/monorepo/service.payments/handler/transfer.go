package handler

import (
	"bytes"
	"context"
	"net/http"

	"github.com/monzo/typhon"

	ledgerproto "github.com/monzo/wearedev/service.ledger/proto"
)

const (
	fraudURL          = "http://service.fraud/check"
	fasterPaymentsURL = "http://service.faster-payments"
	stripeAPI         = "https://api.stripe.com"
)

// Transfer moves money: checks fraud, posts to the ledger, sends the payment out.
func Transfer(ctx context.Context, account string, amount int64) error {
	check := typhon.NewRequest(ctx, "POST", fraudURL, map[string]string{"account": account})
	if err := check.Send().Response().Error; err != nil {
		return err
	}
	// A generated RPC client from the ledger's own tree.
	rsp := ledgerproto.PostEntryRequest{AccountId: account, Amount: amount}.Send(ctx)
	if err := rsp.Response().Error; err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", fasterPaymentsURL+"/payments", nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}

// Charge takes a card payment through Stripe (internet egress).
func Charge(amount int64) error {
	body := bytes.NewBufferString("amount=1")
	req, err := http.NewRequest("POST", stripeAPI+"/v1/charges", body)
	if err != nil {
		return err
	}
	// http.Get("http://service.ledger/old-balance") was the old way: commented out, not a call.
	_, err = http.DefaultClient.Do(req)
	return err
}
