package handler

import (
	"net/http"
	"testing"
)

// Tests are not callers: this request to the emoji service is not an edge.
func TestTransfer(t *testing.T) {
	_, _ = http.Get("http://service.emoji/test")
}
