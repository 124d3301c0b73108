// Package client holds clients several services share. It is no service: a call made here
// belongs to the service whose code uses the client.
package client

import (
	"net/http"
	"time"
)

const notificationsBase = "http://service.notifications"

// NotificationsClient sends push notifications.
type NotificationsClient struct {
	http *http.Client
}

// NewNotificationsClient builds the shared notifications client.
func NewNotificationsClient() *NotificationsClient {
	return &NotificationsClient{http: &http.Client{Timeout: 5 * time.Second}}
}

// Notify asks the notifications service to notify an account holder.
func (c *NotificationsClient) Notify(accountID string) error {
	resp, err := http.Post(notificationsBase+"/notify", "application/json", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Notify is the package-level helper services call.
func Notify(accountID string) error {
	resp, err := http.Post(notificationsBase+"/notify?account="+accountID, "application/json", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
