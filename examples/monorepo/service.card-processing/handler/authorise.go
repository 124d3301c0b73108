package handler

import (
	"context"
	"fmt"
	"net/http"

	dapr "github.com/dapr/go-sdk/client"
)

const fxHost = "service.fx-rates"

var mastercardURL = "https://api.mastercard.com/v1/authorise"

// Authorise checks a card payment with fraud (through the Dapr sidecar) and converts currency.
func Authorise(ctx context.Context, d dapr.Client, currency string) error {
	if _, err := d.InvokeMethod(ctx, "fraud", "check", "post"); err != nil {
		return err
	}
	rates, err := http.Get(fmt.Sprintf("http://%s/rates/%s", fxHost, currency))
	if err != nil {
		return err
	}
	defer rates.Body.Close()
	resp, err := http.Post(mastercardURL, "application/json", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
