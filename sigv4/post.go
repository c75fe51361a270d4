package sigv4

import "context"

// PostAuth is what a browser upload form (S3's POST Object) carries to
// authenticate itself: its X-Amz-* fields and the base64 policy they
// sign, which is the string to sign.
type PostAuth struct {
	Algorithm, Credential, Date, Signature, SecurityToken string
	Policy                                                string
}

// VerifyPost authenticates an S3 POST Object form by the signature of its
// policy: hex(HMAC-SHA256(signing key, policy)), the policy as the form
// sent it. A form signs no request, so nothing else of the request is
// checked, nor its time: the policy's own expiration bounds it, and its
// caller checks that. Errors are *Error, answered by S3 as it answers a
// form (Error.Post).
func (v *Verifier) VerifyPost(ctx context.Context, p PostAuth) (*Signed, error) {
	if p.Algorithm != algorithm {
		return nil, &Error{Kind: UnsupportedAlgorithm, Post: true, Argument: "X-Amz-Algorithm", ArgumentValue: p.Algorithm,
			S3Detail: "POST form field X-Amz-Algorithm must be " + algorithm + "."}
	}
	a := &auth{post: true}
	e := a.parseCredential(p.Credential)
	if e == nil && a.service != "s3" {
		e = a.malformed("", `incorrect service "`+a.service+`". This endpoint belongs to "s3".`)
	}
	if e != nil {
		e.Argument, e.ArgumentValue = "X-Amz-Credential", p.Credential
		return nil, e
	}
	t, ok := parseAmzDate(p.Date)
	if !ok {
		return nil, &Error{Kind: Malformed, Post: true, Argument: "X-Amz-Date", ArgumentValue: p.Date,
			S3Detail: "X-Amz-Date must be formated via ISO8601 Long format"} // S3's spelling
	}
	a.amzDate, a.token = p.Date, p.SecurityToken
	if e := a.checkScopeDate(); e != nil {
		e.Argument, e.ArgumentValue = "X-Amz-Credential", p.Credential
		return nil, e
	}
	found, err := v.Keys.Key(ctx, a.accessKeyID, a.token)
	if err != nil {
		e := lookupError(err, a)
		e.Post = true
		return nil, e
	}
	key := v.cache().Key(found.Secret, a.date, a.region, a.service)
	if !signatureMatches(key, []byte(p.Policy), p.Signature) {
		return nil, &Error{Kind: SignatureMismatch, Post: true, AccessKeyID: a.accessKeyID,
			StringToSign: p.Policy, SignatureProvided: p.Signature}
	}
	return &Signed{AccessKeyID: a.accessKeyID, SessionToken: a.token, Region: a.region, Service: a.service,
		Time: t, Owner: found.Owner, Post: true, ContentLength: -1}, nil
}
