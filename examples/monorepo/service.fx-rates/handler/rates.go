package handler

import "net/http"

// Refresh loads the day's rates.
func Refresh() error {
	resp, err := http.Get("https://data.fixer.io/api/latest")
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
