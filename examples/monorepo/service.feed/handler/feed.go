package handler

import (
	"net/http"
	"time"
)

var emojiURL = "http://service.emoji/reactions"

// Reactions loads the emoji reactions of a feed item.
func Reactions() error {
	client := &http.Client{Timeout: time.Second}
	req, err := http.NewRequest("GET", emojiURL, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
