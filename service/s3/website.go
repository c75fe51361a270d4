package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
)

// A bucket's website configuration (note 78): kept and given back as S3
// validates it.

// maxRoutingRules is how many routing rules a website configuration may
// have.
const maxRoutingRules = 50

// websiteConfiguration is the document of PutBucketWebsite and
// GetBucketWebsite, its elements in the order S3 writes them.
type websiteConfiguration struct {
	XMLName               xml.Name                  `xml:"WebsiteConfiguration"`
	Xmlns                 string                    `xml:"xmlns,attr,omitempty"`
	RedirectAllRequestsTo *websiteRedirectAll       `xml:",omitempty"`
	IndexDocument         *struct{ Suffix *string } `xml:",omitempty"`
	ErrorDocument         *struct{ Key *string }    `xml:",omitempty"`
	RoutingRules          *struct {
		RoutingRule []websiteRoutingRule
	} `xml:",omitempty"`
}

type websiteRedirectAll struct {
	HostName *string
	Protocol string `xml:",omitempty"`
}

type websiteRoutingRule struct {
	Condition *websiteRuleCondition `xml:",omitempty"`
	Redirect  *websiteRuleRedirect
}

type websiteRuleCondition struct {
	HttpErrorCodeReturnedEquals *string `xml:",omitempty"`
	KeyPrefixEquals             *string `xml:",omitempty"`
}

type websiteRuleRedirect struct {
	HostName             *string `xml:",omitempty"`
	HttpRedirectCode     *string `xml:",omitempty"`
	Protocol             *string `xml:",omitempty"`
	ReplaceKeyPrefixWith *string `xml:",omitempty"`
	ReplaceKeyWith       *string `xml:",omitempty"`
}

func (s *Service) putBucketWebsite(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketWebsite")
	if err != nil {
		return err
	}
	var conf websiteConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	site, err := conf.website()
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Website = site
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketWebsite(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketWebsite")
	if err != nil {
		return err
	}
	if b.Website == nil {
		return errorf(http.StatusNotFound, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration").with("BucketName", b.Name)
	}
	return writeXML(w, c, http.StatusOK, websiteDocument(b.Website))
}

func (s *Service) deleteBucketWebsite(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:DeleteBucketWebsite")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Website = nil
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// website is the configuration a document sets, refused as S3 refuses
// it, in S3's order of checks: a redirect of every request beside
// anything else, then the index document, then the rules.
func (conf *websiteConfiguration) website() (*trustgate.BucketWebsite, *Error) {
	if all := conf.RedirectAllRequestsTo; all != nil {
		if conf.IndexDocument != nil || conf.ErrorDocument != nil || conf.RoutingRules != nil {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.").
				with("ArgumentName", "RedirectAllRequestsTo").with("ArgumentValue", "not null")
		}
		if all.HostName == nil || *all.HostName == "" {
			return nil, malformedXML()
		}
		if err := checkHostName(*all.HostName); err != nil {
			return nil, err
		}
		if err := checkWebsiteProtocol(all.Protocol); err != nil {
			return nil, err
		}
		return &trustgate.BucketWebsite{RedirectAll: &trustgate.WebsiteRedirect{HostName: *all.HostName, Protocol: all.Protocol}}, nil
	}
	if conf.IndexDocument == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty").
			with("ArgumentName", "IndexDocument").with("ArgumentValue", "null")
	}
	suffix := conf.IndexDocument.Suffix
	if suffix == nil || *suffix == "" || strings.Contains(*suffix, "/") {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "The IndexDocument Suffix is not well formed").
			with("ArgumentName", "IndexDocument").with("ArgumentValue", deref(suffix))
	}
	site := &trustgate.BucketWebsite{IndexSuffix: *suffix}
	if e := conf.ErrorDocument; e != nil {
		if e.Key == nil || *e.Key == "" {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "The ErrorDocument Key is not well formed").
				with("ArgumentName", "ErrorDocument").with("ArgumentValue", "")
		}
		site.ErrorKey = *e.Key
	}
	if conf.RoutingRules == nil {
		return site, nil
	}
	rules := conf.RoutingRules.RoutingRule
	switch {
	case len(rules) == 0:
		return nil, malformedXML()
	case len(rules) > maxRoutingRules:
		return nil, errorf(http.StatusBadRequest, "InvalidRequest",
			"%d routing rules provided, the number of routing rules in a website configuration is limited to %d.", len(rules), maxRoutingRules)
	}
	for _, r := range rules {
		rule, err := r.rule()
		if err != nil {
			return nil, err
		}
		site.RoutingRules = append(site.RoutingRules, rule)
	}
	return site, nil
}

// rule is a routing rule as a document writes it, refused as S3 refuses
// it.
func (r *websiteRoutingRule) rule() (trustgate.WebsiteRoutingRule, *Error) {
	var rule trustgate.WebsiteRoutingRule
	if c := r.Condition; c != nil {
		if c.HttpErrorCodeReturnedEquals == nil && c.KeyPrefixEquals == nil {
			return rule, errorf(http.StatusBadRequest, "InvalidRequest",
				"Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.")
		}
		rule.Condition = &trustgate.WebsiteCondition{KeyPrefixEquals: c.KeyPrefixEquals}
		if code := c.HttpErrorCodeReturnedEquals; code != nil {
			n, err := strconv.Atoi(*code)
			switch {
			case err != nil:
				return rule, malformedXML()
			case n < 400 || n > 599:
				return rule, errorf(http.StatusBadRequest, "InvalidRequest", "The provided HTTP error code (%d) is not valid. Valid codes are 4XX or 5XX.", n)
			}
			rule.Condition.HTTPErrorCodeReturnedEquals = strconv.Itoa(n)
		}
	}
	d := r.Redirect
	if d != nil {
		// An empty host, protocol or status is none; an empty key
		// replacement is one (it strips the prefix).
		d.HostName, d.Protocol, d.HttpRedirectCode = nonEmpty(d.HostName), nonEmpty(d.Protocol), nonEmpty(d.HttpRedirectCode)
	}
	if d == nil || *d == (websiteRuleRedirect{}) {
		return rule, malformedXML()
	}
	if d.HostName != nil {
		if err := checkHostName(*d.HostName); err != nil {
			return rule, err
		}
	}
	if err := checkWebsiteProtocol(deref(d.Protocol)); err != nil {
		return rule, err
	}
	if d.ReplaceKeyPrefixWith != nil && d.ReplaceKeyWith != nil {
		return rule, errorf(http.StatusBadRequest, "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
	}
	if code := d.HttpRedirectCode; code != nil {
		n, err := strconv.Atoi(*code)
		switch {
		case err != nil:
			return rule, malformedXML()
		case !websiteRedirectCodes[n]:
			return rule, errorf(http.StatusBadRequest, "InvalidRequest", "The provided HTTP redirect code (%d) is not valid. Valid codes are 3XX except 300.", n)
		}
	}
	rule.Redirect = trustgate.WebsiteRedirect{HostName: deref(d.HostName), Protocol: deref(d.Protocol), ReplaceKeyPrefixWith: d.ReplaceKeyPrefixWith, ReplaceKeyWith: d.ReplaceKeyWith}
	if d.HttpRedirectCode != nil {
		n, _ := strconv.Atoi(*d.HttpRedirectCode)
		rule.Redirect.HTTPRedirectCode = strconv.Itoa(n)
	}
	return rule, nil
}

// nonEmpty is an element's value, nil when it is empty.
func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// checkHostName refuses a redirect's host name that no Location could
// carry: one with a space, a control character, a slash or another
// character no host name has.
func checkHostName(host string) *Error {
	if strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune(`/\?#@"<>`, r) }) {
		return errorf(http.StatusBadRequest, "InvalidArgument", "The host name %q is not valid", host).
			with("ArgumentName", "HostName").with("ArgumentValue", host)
	}
	return nil
}

// websiteRedirectCodes are the statuses a routing rule may redirect with.
var websiteRedirectCodes = map[int]bool{301: true, 302: true, 303: true, 304: true, 305: true, 307: true, 308: true}

// checkWebsiteProtocol refuses a redirect's protocol other than http or
// https; none leaves it to the request's.
func checkWebsiteProtocol(p string) *Error {
	if p != "" && p != "http" && p != "https" {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.")
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// orNil is a string element that is left out when empty.
func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// websiteDocument is the document GetBucketWebsite answers with: what
// was put, and nothing S3 would not give back.
func websiteDocument(site *trustgate.BucketWebsite) websiteConfiguration {
	conf := websiteConfiguration{Xmlns: Namespace}
	if all := site.RedirectAll; all != nil {
		conf.RedirectAllRequestsTo = &websiteRedirectAll{HostName: &all.HostName, Protocol: all.Protocol}
		return conf
	}
	conf.IndexDocument = &struct{ Suffix *string }{Suffix: &site.IndexSuffix}
	if site.ErrorKey != "" {
		conf.ErrorDocument = &struct{ Key *string }{Key: &site.ErrorKey}
	}
	if len(site.RoutingRules) == 0 {
		return conf
	}
	conf.RoutingRules = &struct{ RoutingRule []websiteRoutingRule }{}
	for _, r := range site.RoutingRules {
		var rule websiteRoutingRule
		if c := r.Condition; c != nil {
			rule.Condition = &websiteRuleCondition{HttpErrorCodeReturnedEquals: orNil(c.HTTPErrorCodeReturnedEquals), KeyPrefixEquals: c.KeyPrefixEquals}
		}
		d := r.Redirect
		rule.Redirect = &websiteRuleRedirect{HostName: orNil(d.HostName), HttpRedirectCode: orNil(d.HTTPRedirectCode), Protocol: orNil(d.Protocol),
			ReplaceKeyPrefixWith: d.ReplaceKeyPrefixWith, ReplaceKeyWith: d.ReplaceKeyWith}
		conf.RoutingRules.RoutingRule = append(conf.RoutingRules.RoutingRule, rule)
	}
	return conf
}
