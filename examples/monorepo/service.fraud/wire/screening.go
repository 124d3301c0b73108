package wire

import "net/http"

// Screen checks a name against sanctions lists.
func Screen(name string) error {
	resp, err := http.Get("https://api.complyadvantage.com/searches?q=" + name)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
