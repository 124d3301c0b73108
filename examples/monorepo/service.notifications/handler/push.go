package handler

import "net/http"

// Email sends an email through SendGrid.
func Email() error {
	resp, err := http.Post("https://api.sendgrid.com/v3/mail/send", "application/json", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
