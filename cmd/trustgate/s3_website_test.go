package main

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3WebsiteConfiguration puts a bucket's website configuration with
// the SDK, reads it back as it was put, replaces it with a redirect of
// every request and deletes it (note 78).
func TestS3WebsiteConfiguration(t *testing.T) {
	_, c, bucket := withBucket(t, "site")
	ctx := t.Context()
	_, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	wantAPIError(t, "GetBucketWebsite of a bucket without one", err, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")

	rules := []s3types.RoutingRule{
		{Condition: &s3types.Condition{KeyPrefixEquals: aws.String("docs/")}, Redirect: &s3types.Redirect{ReplaceKeyPrefixWith: aws.String(""), HttpRedirectCode: aws.String("302")}},
		{Condition: &s3types.Condition{HttpErrorCodeReturnedEquals: aws.String("404")}, Redirect: &s3types.Redirect{HostName: aws.String("example.com"), Protocol: s3types.ProtocolHttps,
			ReplaceKeyWith: aws.String("missing.html")}},
		{Redirect: &s3types.Redirect{ReplaceKeyPrefixWith: aws.String("v2/")}},
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &s3types.ErrorDocument{Key: aws.String("errors/404.html")},
		RoutingRules: rules}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.IndexDocument.Suffix) != "index.html" || aws.ToString(got.ErrorDocument.Key) != "errors/404.html" || got.RedirectAllRequestsTo != nil {
		t.Errorf("GetBucketWebsite = %+v; want the documents put", got)
	}
	if !reflect.DeepEqual(got.RoutingRules, rules) {
		t.Errorf("GetBucketWebsite's routing rules = %s; want them as put, %s", describeRules(got.RoutingRules), describeRules(rules))
	}

	// A redirect of every request replaces the documents and rules.
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		RedirectAllRequestsTo: &s3types.RedirectAllRequestsTo{HostName: aws.String("www.example.com"), Protocol: s3types.ProtocolHttps}}}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	if err != nil || got.RedirectAllRequestsTo == nil || aws.ToString(got.RedirectAllRequestsTo.HostName) != "www.example.com" ||
		got.RedirectAllRequestsTo.Protocol != s3types.ProtocolHttps || got.IndexDocument != nil || got.RoutingRules != nil {
		t.Errorf("GetBucketWebsite after a redirect of every request = %+v, %v", got, err)
	}

	// Codes are kept as the numbers they are.
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		RoutingRules: []s3types.RoutingRule{{Condition: &s3types.Condition{HttpErrorCodeReturnedEquals: aws.String("0404")},
			Redirect: &s3types.Redirect{HttpRedirectCode: aws.String("0307"), HostName: aws.String("example.com")}}}}}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	if err != nil || len(got.RoutingRules) != 1 || aws.ToString(got.RoutingRules[0].Condition.HttpErrorCodeReturnedEquals) != "404" ||
		aws.ToString(got.RoutingRules[0].Redirect.HttpRedirectCode) != "307" {
		t.Errorf("GetBucketWebsite after codes with leading zeros = %+v, %v; want 404 and 307", got, err)
	}

	for range 2 { // deleting what is not there succeeds too
		if _, err := c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: bucket}); err != nil {
			t.Fatalf("DeleteBucketWebsite: %v", err)
		}
	}
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	wantAPIError(t, "GetBucketWebsite after DeleteBucketWebsite", err, "NoSuchWebsiteConfiguration", "")
}

func describeRules(rules []s3types.RoutingRule) string {
	var b strings.Builder
	for _, r := range rules {
		if c := r.Condition; c != nil {
			b.WriteString("if prefix " + aws.ToString(c.KeyPrefixEquals) + " error " + aws.ToString(c.HttpErrorCodeReturnedEquals) + ": ")
		}
		d := r.Redirect
		b.WriteString("to " + string(d.Protocol) + "://" + aws.ToString(d.HostName) + " code " + aws.ToString(d.HttpRedirectCode) +
			" prefix " + aws.ToString(d.ReplaceKeyPrefixWith) + " key " + aws.ToString(d.ReplaceKeyWith) + "; ")
	}
	return b.String()
}

// TestS3WebsiteBadInput: a website configuration S3 would not take is
// refused with S3's code and message, and leaves the bucket's as it was
// (note 78).
func TestS3WebsiteBadInput(t *testing.T) {
	ts, c, bucket := withBucket(t, "bad-site")
	ctx := t.Context()
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	const index = `<IndexDocument><Suffix>index.html</Suffix></IndexDocument>`
	rule := func(inner string) string {
		return index + `<RoutingRules><RoutingRule>` + inner + `</RoutingRule></RoutingRules>`
	}
	redirect := `<Redirect><HostName>example.com</HostName></Redirect>`
	many := index + `<RoutingRules>` + strings.Repeat(`<RoutingRule>`+redirect+`</RoutingRule>`, 51) + `</RoutingRules>`
	for _, tc := range []struct{ what, doc, code, msg string }{
		{"nothing in it", ``, "InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"},
		{"an error document alone", `<ErrorDocument><Key>e.html</Key></ErrorDocument>`, "InvalidArgument", "A value for IndexDocument Suffix must be provided"},
		{"a suffix with a slash", `<IndexDocument><Suffix>/index.html</Suffix></IndexDocument>`, "InvalidArgument", "The IndexDocument Suffix is not well formed"},
		{"an empty suffix", `<IndexDocument><Suffix></Suffix></IndexDocument>`, "InvalidArgument", "The IndexDocument Suffix is not well formed"},
		{"a redirect of everything beside an index", `<RedirectAllRequestsTo><HostName>x.com</HostName></RedirectAllRequestsTo>` + index,
			"InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."},
		{"a redirect of everything to no host", `<RedirectAllRequestsTo><Protocol>https</Protocol></RedirectAllRequestsTo>`, "MalformedXML", ""},
		{"a redirect of everything by ftp", `<RedirectAllRequestsTo><HostName>x.com</HostName><Protocol>ftp</Protocol></RedirectAllRequestsTo>`,
			"InvalidRequest", "Invalid protocol, protocol can be http or https."},
		{"an empty error document key", index + `<ErrorDocument><Key></Key></ErrorDocument>`, "InvalidArgument", "The ErrorDocument Key is not well formed"},
		{"no routing rule", index + `<RoutingRules></RoutingRules>`, "MalformedXML", ""},
		{"51 routing rules", many, "InvalidRequest", "51 routing rules provided, the number of routing rules in a website configuration is limited to 50."},
		{"a rule without a redirect", rule(`<Condition><KeyPrefixEquals>a/</KeyPrefixEquals></Condition>`), "MalformedXML", ""},
		{"an empty condition", rule(`<Condition></Condition>` + redirect), "InvalidRequest", "Condition cannot be empty."},
		{"both key replacements", rule(`<Redirect><ReplaceKeyPrefixWith>a</ReplaceKeyPrefixWith><ReplaceKeyWith>b</ReplaceKeyWith></Redirect>`),
			"InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both."},
		{"a redirect code of 300", rule(`<Redirect><HttpRedirectCode>300</HttpRedirectCode></Redirect>`),
			"InvalidRequest", "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300."},
		{"a redirect code that is no number", rule(`<Redirect><HttpRedirectCode>https</HttpRedirectCode></Redirect>`), "MalformedXML", ""},
		{"an error code of 302", rule(`<Condition><HttpErrorCodeReturnedEquals>302</HttpErrorCodeReturnedEquals></Condition>` + redirect),
			"InvalidRequest", "The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX."},
		{"a rule's redirect by ftp", rule(`<Redirect><Protocol>ftp</Protocol></Redirect>`), "InvalidRequest", "Invalid protocol"},
		{"a rule's redirect of empty elements", rule(`<Redirect><Protocol></Protocol><HostName></HostName></Redirect>`), "MalformedXML", ""},
		{"a host name with a space", rule(`<Redirect><HostName>a.com b</HostName></Redirect>`), "InvalidArgument", "is not valid"},
		{"a host name with a path", `<RedirectAllRequestsTo><HostName>a.com/x</HostName></RedirectAllRequestsTo>`, "InvalidArgument", "is not valid"},
	} {
		doc := `<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + tc.doc + `</WebsiteConfiguration>`
		h := http.Header{"Content-Md5": {md5Base64(doc)}}
		if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/bad-site?website", h, doc); status != 400 ||
			!strings.Contains(body, "<Code>"+tc.code+"</Code>") || !strings.Contains(body, tc.msg) {
			t.Errorf("PutBucketWebsite with %s = %d %s; want 400 %s %q", tc.what, status, body, tc.code, tc.msg)
		}
	}
	_, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	wantAPIError(t, "GetBucketWebsite after refused configurations", err, "NoSuchWebsiteConfiguration", "")
}

// TestS3WebsiteEndpoint browses buckets through their website endpoint,
// BUCKET.s3-website.localhost: index documents, a folder without its
// slash, an object's own redirect, routing rules by prefix and by error,
// the error document, a redirect of every request, and the HTML errors
// (note 78).
func TestS3WebsiteEndpoint(t *testing.T) {
	ts, c, bucket := withBucket(t, "pages")
	ctx := t.Context()
	for key, body := range map[string]string{"index.html": "home", "docs/index.html": "docs", "old-home.html": "old", "404.html": "not here"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: strings.NewReader(body), ContentType: aws.String("text/html")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("about"), Body: strings.NewReader(""),
		WebsiteRedirectLocation: aws.String("/docs/")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("bad"), Body: strings.NewReader(""), WebsiteRedirectLocation: aws.String("docs/")})
	wantAPIError(t, "PutObject with a relative website redirect", err, "InvalidArgument", "The website redirect location must have a prefix")
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: bucket, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pages/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &s3types.ErrorDocument{Key: aws.String("404.html")},
		RoutingRules: []s3types.RoutingRule{
			{Condition: &s3types.Condition{KeyPrefixEquals: aws.String("blog/")}, Redirect: &s3types.Redirect{ReplaceKeyPrefixWith: aws.String("docs/"), HttpRedirectCode: aws.String("302")}},
			{Condition: &s3types.Condition{KeyPrefixEquals: aws.String("legacy/"), HttpErrorCodeReturnedEquals: aws.String("403")},
				Redirect: &s3types.Redirect{HostName: aws.String("archive.example.com"), Protocol: s3types.ProtocolHttps}},
		}}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"plain", "away"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("away"), WebsiteConfiguration: &s3types.WebsiteConfiguration{
		RedirectAllRequestsTo: &s3types.RedirectAllRequestsTo{HostName: aws.String("www.example.com"), Protocol: s3types.ProtocolHttps}}}); err != nil {
		t.Fatal(err)
	}

	scheme, _, _ := strings.Cut(ts.Endpoint, ":") // a rule's redirect keeps the request's
	browser := ts.httpClient(10 * time.Second)
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	visit := func(method, bucket, path string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.Endpoint+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = bucket + ".s3-website.localhost"
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(body)
	}
	for _, tc := range []struct {
		what, method, bucket, path string
		status                     int
		body, location             string
	}{
		{"the site's root", "GET", "pages", "/", 200, "home", ""},
		{"a folder", "GET", "pages", "/docs/", 200, "docs", ""},
		{"a folder without its slash", "GET", "pages", "/docs", 302, "", "/docs/"},
		{"a page", "GET", "pages", "/old-home.html", 200, "old", ""},
		{"a page's head", "HEAD", "pages", "/index.html", 200, "", ""},
		{"an object's own redirect", "GET", "pages", "/about", 301, "", "/docs/"},
		{"a rule by prefix", "GET", "pages", "/blog/post.html", 302, "", scheme + "://pages.s3-website.localhost/docs/post.html"},
		{"a rule by prefix, the key escaped and the query kept", "GET", "pages", "/blog/a%20b%3F%23.html?x=1", 302, "",
			scheme + "://pages.s3-website.localhost/docs/a%20b%3F%23.html?x=1"},
		{"a folder whose name starts with a slash", "GET", "pages", "//evil.example", 403, "not here", ""},
		{"a missing page, answered by the error document", "GET", "pages", "/gone.html", 403, "not here", ""},
		{"a rule by error", "GET", "pages", "/legacy/page.html", 301, "", "https://archive.example.com/legacy/page.html"},
		{"a write", "PUT", "pages", "/index.html", 405, "<li>Code: MethodNotAllowed</li>", ""},
		{"a form posted", "POST", "pages", "/", 405, "<li>Code: MethodNotAllowed</li>", ""},
		{"a bucket without a website", "GET", "plain", "/", 404, "<li>Code: NoSuchWebsiteConfiguration</li>", ""},
		{"a bucket that does not exist", "GET", "nowhere", "/", 404, "<li>Code: NoSuchBucket</li>", ""},
		{"a bucket that redirects every request", "GET", "away", "/a/b.html?x=1", 301, "", "https://www.example.com/a/b.html?x=1"},
	} {
		status, h, body := visit(tc.method, tc.bucket, tc.path)
		if status != tc.status || !strings.Contains(body, tc.body) || h.Get("Location") != tc.location {
			t.Errorf("%s: %s %s = %d, Location %q, %q; want %d, Location %q, %q", tc.what, tc.method, tc.path, status, h.Get("Location"), body, tc.status, tc.location, tc.body)
		}
	}
	// A page whose condition fails is an HTML page too, with its request
	// id; a bucket whose name holds s3-website is no website endpoint.
	req, _ := http.NewRequest("GET", ts.Endpoint+"/index.html", nil)
	req.Host, req.Header["If-Match"] = "pages.s3-website.localhost", []string{`"nope"`}
	if resp, err := browser.Do(req); err != nil || resp.StatusCode != 412 || resp.Header.Get("X-Amzn-Requestid") == "" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a page under a failing If-Match = %+v, %v; want 412 as HTML with a request id", resp, err)
	} else {
		resp.Body.Close()
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("a.s3-website.b")}); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest("GET", ts.Endpoint+"/", nil)
	req.Host = "a.s3-website.b.localhost"
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	listing, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(listing), "<Code>AccessDenied</Code>") || resp.Header.Get("x-amz-error-code") != "" {
		t.Errorf("an anonymous listing of bucket a.s3-website.b, virtual-hosted = %d %s; want S3's XML AccessDenied", resp.StatusCode, listing)
	}

	// A bucket its owner has not made public: every page is refused, the
	// error document too, on an HTML page.
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	status, h, body := visit("GET", "pages", "/")
	if status != 403 || h.Get("x-amz-error-code") != "AccessDenied" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "An Error Occurred While Attempting to Retrieve a Custom Error Document") {
		t.Errorf("the root of a private site = %d %v %s; want 403 AccessDenied as HTML, the error document refused too", status, h, body)
	}
}
