package handler

import "net/http"

const gateway = "https://fps-gateway.vocalink.co.uk:443"

// Send submits a payment to the Faster Payments gateway.
func Send() error {
	resp, err := http.Post(gateway+"/submit", "application/xml", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
