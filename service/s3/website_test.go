package s3api

import "testing"

// Note 78: which hosts are website endpoints, and a key as a redirect's
// path, which never names another host.
func TestWebsiteHostsAndPaths(t *testing.T) {
	for host, want := range map[string]string{
		"site.s3-website.localhost":                   "site",
		"site.s3-website.localhost:4600":              "site",
		"my.site.s3-website-us-east-1.amazonaws.com":  "my.site",
		"site.s3-website.eu-west-1.amazonaws.com":     "site",
		"site.s3-website.cn-north-1.amazonaws.com.cn": "site",
		"a.s3-website.b.localhost":                    "",
		"site.s3.localhost":                           "",
		"s3-website.localhost":                        "",
	} {
		if got, _ := websiteBucket(host); got != want {
			t.Errorf("websiteBucket(%q) = %q; want %q", host, got, want)
		}
	}
	for key, want := range map[string]string{
		"":            "/",
		"docs/":       "/docs/",
		"a b?#.html":  "/a%20b%3F%23.html",
		"/evil.com/x": "/%2Fevil.com/x",
		"dir/ü.html":  "/dir/%C3%BC.html",
	} {
		if got := locationPath(key); got != want {
			t.Errorf("locationPath(%q) = %q; want %q", key, got, want)
		}
	}
}
