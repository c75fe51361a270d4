package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate/sigv4"
)

// POST Object (note 70): an upload from an HTML form, multipart/form-data
// to the bucket's URL, whose fields stand for PutObject's headers and
// which a signed POST policy authorizes instead of a signed request.

// MaxPostFieldBytes bounds the fields before a form's file, as S3 does.
const MaxPostFieldBytes = 20480

// PostForm is a browser upload form read up to its file: the fields by
// lower-case name (a name sent twice has its values joined by commas),
// the names as sent, in order, and the file, left to read.
type PostForm struct {
	fields map[string]string
	names  []string
	file   io.Reader
}

// IsPostObject tells whether an unsigned request is a browser upload: a
// POST to a bucket's URL that names no subresource.
func IsPostObject(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	bucket, key := address(r)
	return bucket != "" && key == "" && !namesSubresource(r.URL.Query(), bucketSubresources)
}

// ReadPostForm reads a browser upload's fields up to its file part,
// which it leaves to be read, and expands ${filename} in them.
func ReadPostForm(r *http.Request) (*PostForm, *Error) {
	media, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.EqualFold(media, "multipart/form-data") {
		return nil, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").
			with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")
	}
	malformed := errorf(http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
	if params["boundary"] == "" {
		return nil, malformed
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	f := &PostForm{fields: map[string]string{}}
	left := MaxPostFieldBytes
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "POST requires exactly one file upload per request.").
				with("ArgumentName", "file").with("ArgumentValue", "0")
		}
		if err != nil {
			return nil, malformed
		}
		disposition, dparams, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := dparams["name"]
		if strings.EqualFold(disposition, "form-data") && strings.EqualFold(name, "file") {
			f.file = part
			// A file part without a file name leaves ${filename} as it is.
			if fileName, ok := dparams["filename"]; ok {
				f.expandFileName(fileName[strings.LastIndexAny(fileName, `/\`)+1:])
			}
			break
		}
		value, err := io.ReadAll(io.LimitReader(part, int64(left)+1))
		if err != nil {
			return nil, malformed
		}
		if left -= len(name) + len(value); left < 0 {
			return nil, errorf(http.StatusBadRequest, "MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.").
				with("MaxPostPreDataLengthBytes", strconv.Itoa(MaxPostFieldBytes))
		}
		if name == "" || !strings.EqualFold(disposition, "form-data") {
			continue
		}
		lower := strings.ToLower(name)
		if prev, ok := f.fields[lower]; ok {
			f.fields[lower] = prev + "," + string(value)
			continue
		}
		f.fields[lower] = string(value)
		f.names = append(f.names, name)
	}
	if _, ok := f.fields["key"]; !ok {
		return nil, missingPostField("key")
	}
	return f, nil
}

// expandFileName puts the file's name, without its path, for
// ${filename} in every field.
func (f *PostForm) expandFileName(name string) {
	for k, v := range f.fields {
		f.fields[k] = strings.ReplaceAll(v, "${filename}", name)
	}
}

func missingPostField(name string) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields.", name).
		with("ArgumentName", name).with("ArgumentValue", "")
}

// Auth returns what authenticates the form and whether it is signed: a
// form with none of the X-Amz-* fields of a signature is anonymous, its
// policy unchecked, for the bucket policy to decide. A signed form must
// have them all and its policy; one signed with Signature Version 2 is
// refused, as every request signed so is.
func (f *PostForm) Auth() (sigv4.PostAuth, bool, *Error) {
	a := sigv4.PostAuth{Policy: f.fields["policy"], SecurityToken: f.fields["x-amz-security-token"]}
	required := []struct {
		name string
		into *string
	}{{"X-Amz-Algorithm", &a.Algorithm}, {"X-Amz-Credential", &a.Credential}, {"X-Amz-Date", &a.Date}, {"X-Amz-Signature", &a.Signature}}
	signed := false
	for _, r := range required {
		if v, ok := f.fields[strings.ToLower(r.name)]; ok {
			*r.into, signed = v, true
		}
	}
	if !signed {
		if _, v2 := f.fields["awsaccesskeyid"]; v2 {
			return a, false, errorf(http.StatusBadRequest, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
		}
		return a, false, nil
	}
	for _, r := range required {
		if _, ok := f.fields[strings.ToLower(r.name)]; !ok {
			return a, true, missingPostField(r.name)
		}
	}
	if _, ok := f.fields["policy"]; !ok {
		return a, true, missingPostField("Policy")
	}
	return a, true, nil
}

// WriteError answers a request with an S3 error, for the server's
// refusals of a form before the service takes it.
func WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *Error) {
	e.write(w, &Call{Request: r, RequestID: requestID})
}

// postOwnFields are the fields that are no header of the PutObject a form
// stands for, or another one's: the form's own, its signature's and its
// answer's.
var postOwnFields = setOf("key", "policy", "file", "bucket", "tagging", "acl", "success_action_status",
	"success_action_redirect", "redirect", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature",
	"x-amz-security-token", "x-amz-checksum-algorithm", "awsaccesskeyid", "signature")

// postObject writes the form's file as PutObject would with the headers
// its fields stand for, once its policy allows the form.
func (s *Service) postObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	f := c.Form
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return err
	}
	body := f.file
	if c.Signed != nil {
		p, err := parsePostPolicy(f.fields["policy"])
		if err != nil {
			return err
		}
		if err := p.check(f, b.Name, s.now()); err != nil {
			return err
		}
		if p.sized {
			body = &sizeRange{r: body, min: p.minSize, max: p.maxSize}
		}
	}
	put, err := putRequest(c.Request, f, body)
	if err != nil {
		return err
	}
	pc := *c
	pc.Request, pc.key, pc.query = put, f.fields["key"], url.Values{}
	answer := &recordedAnswer{header: http.Header{}}
	if err := s.putObject(ctx, answer, &pc); err != nil {
		return err
	}
	location := objectLocation(c.Request, b.Name, pc.key)
	etag := answer.header.Get("ETag")
	h := w.Header()
	for k, v := range answer.header {
		h[k] = v
	}
	if redirect, ok := postRedirect(f); ok {
		q := "bucket=" + url.QueryEscape(b.Name) + "&key=" + url.QueryEscape(pc.key) + "&etag=" + url.QueryEscape(etag)
		if redirect.RawQuery != "" {
			redirect.RawQuery += "&" + q
		} else {
			redirect.RawQuery = q
		}
		h.Set("Location", redirect.String())
		return writeEmpty(w, c, http.StatusSeeOther)
	}
	h.Set("Location", location)
	switch f.fields["success_action_status"] {
	case "200":
		return writeEmpty(w, c, http.StatusOK)
	case "201":
		return writeXML(w, c, http.StatusCreated, struct {
			XMLName                     xml.Name `xml:"PostResponse"`
			Location, Bucket, Key, ETag string
		}{Location: location, Bucket: b.Name, Key: pc.key, ETag: etag})
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// putRequest is the PutObject request a form stands for: its fields as
// headers, the file as the body.
func putRequest(r *http.Request, f *PostForm, body io.Reader) (*http.Request, *Error) {
	put := r.Clone(context.Background())
	put.Header = http.Header{}
	put.Body, put.ContentLength = io.NopCloser(body), -1
	for lower, v := range f.fields {
		if !postOwnFields[lower] && !strings.HasPrefix(lower, "x-ignore-") {
			put.Header.Set(lower, v)
		}
	}
	if acl, ok := f.fields["acl"]; ok {
		put.Header.Set("X-Amz-Acl", acl)
	}
	if alg, ok := f.fields["x-amz-checksum-algorithm"]; ok {
		put.Header.Set("X-Amz-Sdk-Checksum-Algorithm", alg)
	}
	if tagging, ok := f.fields["tagging"]; ok {
		var doc struct {
			TagSet struct {
				Tag []struct{ Key, Value string }
			}
		}
		if xml.Unmarshal([]byte(tagging), &doc) != nil {
			return nil, malformedXML()
		}
		var q []string
		for _, t := range doc.TagSet.Tag {
			q = append(q, url.QueryEscape(t.Key)+"="+url.QueryEscape(t.Value))
		}
		if len(q) > 0 {
			put.Header.Set("X-Amz-Tagging", strings.Join(q, "&"))
		}
	}
	return put, nil
}

// postRedirect is where a form asks its answer to send the browser: its
// success_action_redirect (or the older redirect), when it is an
// absolute http or https URL; S3 ignores any other.
func postRedirect(f *PostForm) (*url.URL, bool) {
	v, ok := f.fields["success_action_redirect"]
	if !ok {
		v, ok = f.fields["redirect"]
	}
	if !ok {
		return nil, false
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

// objectLocation is an uploaded object's URL as a form's answer names it,
// the key escaped whole, its slashes too.
func objectLocation(r *http.Request, bucket, key string) string {
	if _, virtual := virtualHostBucket(hostName(r.Host)); virtual {
		return origin(r) + "/" + url.PathEscape(key)
	}
	return origin(r) + "/" + bucket + "/" + url.PathEscape(key)
}

// sizeRange holds a file to a policy's content-length-range: it fails
// past max, and at its end short of min, with S3's errors.
type sizeRange struct {
	r        io.Reader
	min, max int64
	n        int64
}

func (s *sizeRange) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.max {
		// S3 names the whole size: count what is left of a small excess.
		rest, _ := io.Copy(io.Discard, io.LimitReader(s.r, 1<<20))
		return 0, errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").
			with("ProposedSize", itoa(s.n+rest)).with("MaxSizeAllowed", itoa(s.max))
	}
	if errors.Is(err, io.EOF) && s.n < s.min {
		return n, errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size").
			with("ProposedSize", itoa(s.n)).with("MinSizeAllowed", itoa(s.min))
	}
	return n, err
}

// recordedAnswer keeps the headers of the PutObject answer a form's own
// answer is made from.
type recordedAnswer struct{ header http.Header }

func (a *recordedAnswer) Header() http.Header         { return a.header }
func (a *recordedAnswer) WriteHeader(int)             {}
func (a *recordedAnswer) Write(p []byte) (int, error) { return len(p), nil }
