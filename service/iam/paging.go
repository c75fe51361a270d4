package iamapi

import (
	"encoding/base64"
	"strconv"

	"github.com/trustgate/trustgate/protocol/query"
)

// Paging limits of IAM's list actions.
const (
	DefaultMaxItems = 100
	MaxMaxItems     = 1000
)

// page is one page of a listing, with IAM's IsTruncated and Marker.
type page struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// paginate cuts items to the page the MaxItems and Marker parameters ask
// for. The marker is opaque to clients; it holds the offset of the next
// item.
func paginate[T any](c *Call, items []T) ([]T, page, *query.Error) {
	maxItems := DefaultMaxItems
	if v := c.Request.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxMaxItems {
			return nil, page{}, query.InvalidMember(v, "maxItems", "Member must have value between 1 and 1000")
		}
		maxItems = n
	}
	start := 0
	if m := c.Request.Get("Marker"); m != "" {
		b, err := base64.RawURLEncoding.DecodeString(m)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			return nil, page{}, query.Errorf(400, "InvalidInput", "Invalid Marker: %s; pass the Marker of the previous response unchanged", m)
		}
		start = n
	}
	end := min(start+maxItems, len(items))
	p := page{}
	if end < len(items) {
		p.IsTruncated = true
		p.Marker = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return items[start:end], p, nil
}
