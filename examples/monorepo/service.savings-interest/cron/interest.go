package cron

import "net/http"

// PayInterest credits interest into pots.
func PayInterest() error {
	resp, err := http.Get("http://service.pots/interest")
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
