package s3api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/trustgate/trustgate"
)

// A bucket's lifecycle configuration (note 76): the rules that expire
// objects, noncurrent versions, delete markers left alone and multipart
// uploads never completed, and that move objects between storage
// classes.

// MaxLifecycleRules is the most rules a lifecycle configuration holds;
// maxLifecycleBody bounds its document, which 1,000 rules fit in.
const (
	MaxLifecycleRules = 1000
	maxLifecycleBody  = 1 << 20
)

// transitionMinimumSizeHeader names the smallest object a transition
// moves: S3's default since 2024, 128 KiB for every storage class, or
// each class's own.
const (
	transitionMinimumSizeHeader = "X-Amz-Transition-Default-Minimum-Object-Size"
	transitionMinimumSize       = "all_storage_classes_128K"
	transitionSizeByClass       = "varies_by_storage_class"
)

// minimumSizeOf is the transitions' minimum object size a bucket answers.
func minimumSizeOf(b *trustgate.Bucket) string {
	if b.LifecycleMinimumSize == "" {
		return transitionMinimumSize
	}
	return b.LifecycleMinimumSize
}

// lifecycleConfiguration is the document of PutBucketLifecycleConfiguration
// and GetBucketLifecycleConfiguration. Each level keeps the elements it
// does not know, so that a misspelt one refuses the document as S3's
// schema does, rather than widening a rule (a filter of <Prefx> would
// otherwise take in the whole bucket).
type lifecycleConfiguration struct {
	XMLName xml.Name         `xml:"LifecycleConfiguration"`
	Xmlns   string           `xml:"xmlns,attr,omitempty"`
	Rules   []lifecycleRule  `xml:"Rule"`
	Unknown []unknownElement `xml:",any"`
}

// unknownElement is an element a document's schema does not have.
type unknownElement struct{ XMLName xml.Name }

type lifecycleRule struct {
	ID                             string                 `xml:",omitempty"`
	Prefix                         *string                `xml:",omitempty"`
	Filter                         *lifecycleFilter       `xml:",omitempty"`
	Status                         string                 `xml:",omitempty"`
	Transitions                    []lifecycleTransition  `xml:"Transition"`
	NoncurrentVersionTransitions   []lifecycleTransition  `xml:"NoncurrentVersionTransition"`
	Expiration                     *lifecycleExpiration   `xml:",omitempty"`
	NoncurrentVersionExpiration    *noncurrentExpiration  `xml:",omitempty"`
	AbortIncompleteMultipartUpload *abortIncompleteUpload `xml:",omitempty"`
	Unknown                        []unknownElement       `xml:",any"`
}

type lifecycleFilter struct {
	Prefix                *string           `xml:",omitempty"`
	Tag                   *trustgate.Tag    `xml:",omitempty"`
	ObjectSizeGreaterThan *int64            `xml:",omitempty"`
	ObjectSizeLessThan    *int64            `xml:",omitempty"`
	And                   *lifecycleAndList `xml:",omitempty"`
	Unknown               []unknownElement  `xml:",any"`
}

type lifecycleAndList struct {
	Prefix                *string          `xml:",omitempty"`
	Tags                  []trustgate.Tag  `xml:"Tag"`
	ObjectSizeGreaterThan *int64           `xml:",omitempty"`
	ObjectSizeLessThan    *int64           `xml:",omitempty"`
	Unknown               []unknownElement `xml:",any"`
}

type lifecycleExpiration struct {
	Date                      string           `xml:",omitempty"`
	Days                      *int32           `xml:",omitempty"`
	ExpiredObjectDeleteMarker *bool            `xml:",omitempty"`
	Unknown                   []unknownElement `xml:",any"`
}

type lifecycleTransition struct {
	Date                    string `xml:",omitempty"`
	Days                    *int32 `xml:",omitempty"`
	NoncurrentDays          *int32 `xml:",omitempty"`
	NewerNoncurrentVersions *int32 `xml:",omitempty"`
	StorageClass            string
	Unknown                 []unknownElement `xml:",any"`
}

type noncurrentExpiration struct {
	NoncurrentDays          *int32           `xml:",omitempty"`
	NewerNoncurrentVersions *int32           `xml:",omitempty"`
	Unknown                 []unknownElement `xml:",any"`
}

type abortIncompleteUpload struct {
	DaysAfterInitiation *int32
	Unknown             []unknownElement `xml:",any"`
}

// repeatableLifecycleElements are the elements a lifecycle document may
// hold more than one of within their parent.
var repeatableLifecycleElements = setOf("Rule", "Tag", "Transition", "NoncurrentVersionTransition")

// repeatsElement tells whether a document holds an element twice within
// one parent where its schema has it once: decoding would keep the last
// and drop the first without a word (a second, empty Prefix in a Filter
// would widen it to the whole bucket).
func repeatsElement(doc []byte, repeatable map[string]bool) bool {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var seen []map[string]bool // the children met, by open element
	for {
		tok, err := d.Token()
		if err != nil {
			return false // the decoder that reads the document answers that
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if n := len(seen); n > 0 {
				if seen[n-1][t.Name.Local] && !repeatable[t.Name.Local] {
					return true
				}
				seen[n-1][t.Name.Local] = true
			}
			seen = append(seen, map[string]bool{})
		case xml.EndElement:
			if len(seen) > 0 {
				seen = seen[:len(seen)-1]
			}
		}
	}
}

// known tells whether a level of a document holds only the elements its
// schema has.
func known(levels ...[]unknownElement) bool {
	for _, l := range levels {
		if len(l) > 0 {
			return false
		}
	}
	return true
}

// transitionClasses are the storage classes a transition may move to.
var transitionClasses = setOf("GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR")

func (s *Service) putBucketLifecycle(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutLifecycleConfiguration")
	if err != nil {
		return err
	}
	size := c.Request.Header.Get(transitionMinimumSizeHeader)
	if size != "" && size != transitionMinimumSize && size != transitionSizeByClass {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize found: %s", size)
	}
	body, err := readBody(c, maxLifecycleBody, true)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(http.StatusBadRequest, "MissingRequestBodyError", "Request Body is empty")
	}
	var conf lifecycleConfiguration
	if repeatsElement(body, repeatableLifecycleElements) || xml.Unmarshal(body, &conf) != nil {
		return malformedXML()
	}
	rules, err := conf.rules()
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Lifecycle, cur.LifecycleMinimumSize = rules, size
		b = cur
		return nil
	}); err != nil {
		return err
	}
	w.Header().Set(transitionMinimumSizeHeader, minimumSizeOf(b))
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketLifecycle(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetLifecycleConfiguration")
	if err != nil {
		return err
	}
	if len(b.Lifecycle) == 0 {
		return errorf(http.StatusNotFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist").with("BucketName", b.Name)
	}
	out := lifecycleConfiguration{Xmlns: Namespace}
	for _, r := range b.Lifecycle {
		out.Rules = append(out.Rules, lifecycleRuleOf(r))
	}
	w.Header().Set(transitionMinimumSizeHeader, minimumSizeOf(b))
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) deleteBucketLifecycle(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutLifecycleConfiguration")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Lifecycle, cur.LifecycleMinimumSize = nil, ""
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// lifecycleDate is how a lifecycle document writes a date: midnight UTC.
const lifecycleDate = "2006-01-02T15:04:05.000Z"

// rules checks a configuration as S3 does and reads its rules.
func (conf *lifecycleConfiguration) rules() ([]trustgate.LifecycleRule, *Error) {
	if len(conf.Rules) == 0 || len(conf.Rules) > MaxLifecycleRules || !known(conf.Unknown) {
		return nil, malformedXML()
	}
	ids := map[string]bool{}
	var out []trustgate.LifecycleRule
	for _, r := range conf.Rules {
		rule, err := r.rule()
		if err != nil {
			return nil, err
		}
		if ids[rule.ID] {
			return nil, invalidLifecycle("Rule ID must be unique. Found same ID for more than one rule")
		}
		ids[rule.ID] = true
		out = append(out, rule)
	}
	return out, nil
}

// invalidLifecycle and invalidLifecycleRequest refuse a rule, with the
// code S3 refuses that mistake with.
func invalidLifecycle(message string) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "%s", message)
}

func invalidLifecycleRequest(message string) *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "%s", message)
}

// newRuleID names a rule put without an ID, as S3 names one.
func newRuleID() string {
	b := make([]byte, 36)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// positive reads a count of days that must be above zero, refused with
// message otherwise.
func positive(days *int32, message string) (int, *Error) {
	if days == nil || *days <= 0 {
		return 0, invalidLifecycle(message)
	}
	return int(*days), nil
}

func (r *lifecycleRule) rule() (trustgate.LifecycleRule, *Error) {
	var rule trustgate.LifecycleRule
	if !known(r.Unknown) {
		return rule, malformedXML()
	}
	if len(r.ID) > 255 {
		return rule, invalidLifecycle("ID length should not exceed allowed limit of 255")
	}
	rule.ID = r.ID
	if rule.ID == "" {
		rule.ID = newRuleID() // S3 names a rule that has no ID
	}
	switch r.Status {
	case "Enabled":
		rule.Enabled = true
	case "Disabled":
	default:
		return rule, malformedXML()
	}
	switch {
	case r.Prefix != nil && r.Filter != nil:
		return rule, malformedXML()
	case r.Prefix != nil:
		rule.Filter = trustgate.ObjectFilter{Prefix: *r.Prefix, Named: []string{"Prefix"}}
		rule.LegacyPrefix = true
	case r.Filter != nil:
		f, err := r.Filter.filter()
		if err != nil {
			return rule, err
		}
		rule.Filter = f
	default:
		return rule, malformedXML()
	}
	tagged := len(rule.Filter.Tags) > 0
	if e := r.Expiration; e != nil {
		if !known(e.Unknown) {
			return rule, malformedXML()
		}
		set := 0
		if e.Days != nil {
			days, err := positive(e.Days, "'Days' for Expiration action must be a positive integer")
			if err != nil {
				return rule, err
			}
			rule.ExpirationDays = days
			set++
		}
		if e.Date != "" {
			d, err := midnight(e.Date)
			if err != nil {
				return rule, err
			}
			rule.ExpirationDate = d
			set++
		}
		if e.ExpiredObjectDeleteMarker != nil {
			if tagged {
				return rule, invalidLifecycleRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
			}
			rule.ExpiredObjectDeleteMarker = e.ExpiredObjectDeleteMarker
			set++
		}
		if set != 1 {
			return rule, malformedXML()
		}
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		if !known(n.Unknown) || n.NoncurrentDays == nil && n.NewerNoncurrentVersions == nil {
			return rule, malformedXML()
		}
		days, err := positive(n.NoncurrentDays, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		if err != nil {
			return rule, err
		}
		rule.NoncurrentDays = days
		if rule.NewerNoncurrentVersions, err = newerVersions(n.NewerNoncurrentVersions, "NoncurrentVersionExpiration"); err != nil {
			return rule, err
		}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		if !known(a.Unknown) {
			return rule, malformedXML()
		}
		if tagged {
			return rule, invalidLifecycleRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
		}
		if rule.Filter.Names("ObjectSizeGreaterThan") || rule.Filter.Names("ObjectSizeLessThan") {
			return rule, invalidLifecycleRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.")
		}
		days, err := positive(a.DaysAfterInitiation, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
		if err != nil {
			return rule, err
		}
		rule.AbortUploadDays = days
	}
	for _, t := range r.Transitions {
		tr, err := t.transition(false)
		if err != nil {
			return rule, err
		}
		rule.Transitions = append(rule.Transitions, tr)
	}
	for _, t := range r.NoncurrentVersionTransitions {
		tr, err := t.transition(true)
		if err != nil {
			return rule, err
		}
		rule.NoncurrentTransitions = append(rule.NoncurrentTransitions, tr)
	}
	if r.Expiration == nil && r.NoncurrentVersionExpiration == nil && r.AbortIncompleteMultipartUpload == nil &&
		len(r.Transitions) == 0 && len(r.NoncurrentVersionTransitions) == 0 {
		return rule, invalidLifecycleRequest("At least one action needs to be specified in a rule")
	}
	return rule, nil
}

// countSet is how many of the conditions hold.
func countSet(conditions ...bool) int {
	n := 0
	for _, c := range conditions {
		if c {
			n++
		}
	}
	return n
}

// newerVersions reads a NewerNoncurrentVersions, 1 to 100 when given.
func newerVersions(v *int32, action string) (int, *Error) {
	if v == nil {
		return 0, nil
	}
	if *v <= 0 || *v > 100 {
		return 0, invalidLifecycle("NewerNoncurrentVersions for " + action + " must be between 1 and 100")
	}
	return int(*v), nil
}

// filter reads a rule's Filter: nothing (every object), or one of a
// prefix, a tag, a size bound or an And of two or more, each kept as it
// was written.
func (f *lifecycleFilter) filter() (trustgate.ObjectFilter, *Error) {
	var out trustgate.ObjectFilter
	if !known(f.Unknown) {
		return out, malformedXML()
	}
	prefix, greater, less := f.Prefix, f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
	if countSet(prefix != nil, f.Tag != nil, greater != nil, less != nil, f.And != nil) > 1 {
		return out, malformedXML()
	}
	if a := f.And; a != nil {
		if !known(a.Unknown) {
			return out, malformedXML()
		}
		if len(a.Tags)+countSet(a.Prefix != nil, a.ObjectSizeGreaterThan != nil, a.ObjectSizeLessThan != nil) < 2 {
			return out, malformedXML()
		}
		out.And, out.Tags = true, a.Tags
		prefix, greater, less = a.Prefix, a.ObjectSizeGreaterThan, a.ObjectSizeLessThan
	}
	if prefix != nil {
		out.Prefix = *prefix
		out.Named = append(out.Named, "Prefix")
	}
	if f.Tag != nil {
		out.Tags = []trustgate.Tag{*f.Tag}
		out.Named = append(out.Named, "Tag")
	}
	if greater != nil {
		if *greater < 0 {
			return out, invalidLifecycleRequest("ObjectSizeGreaterThan must be a non-negative number")
		}
		out.SizeGreaterThan = *greater
		out.Named = append(out.Named, "ObjectSizeGreaterThan")
	}
	if less != nil {
		if *less <= 0 {
			return out, invalidLifecycleRequest("ObjectSizeLessThan must be a positive number")
		}
		out.SizeLessThan = *less
		out.Named = append(out.Named, "ObjectSizeLessThan")
	}
	seen := map[string]bool{}
	for _, t := range out.Tags {
		if seen[t.Key] {
			return out, invalidLifecycleRequest("Duplicate Tag Keys are not allowed.")
		}
		seen[t.Key] = true
	}
	if greater != nil && less != nil && out.SizeLessThan <= out.SizeGreaterThan {
		return out, invalidLifecycleRequest("ObjectSizeLessThan has to be a value greater than ObjectSizeGreaterThan")
	}
	return out, nil
}

// transition reads a Transition, or a NoncurrentVersionTransition
// (noncurrent).
func (t *lifecycleTransition) transition(noncurrent bool) (trustgate.LifecycleTransition, *Error) {
	var out trustgate.LifecycleTransition
	if !known(t.Unknown) || !transitionClasses[t.StorageClass] {
		return out, malformedXML()
	}
	out.StorageClass = t.StorageClass
	days, what, daysName := t.Days, "Transition", "Days"
	if noncurrent {
		days, what, daysName = t.NoncurrentDays, "NoncurrentVersionTransition", "NoncurrentDays"
		var err *Error
		if out.NewerVersions, err = newerVersions(t.NewerNoncurrentVersions, what); err != nil {
			return out, err
		}
	}
	switch {
	case days != nil && t.Date != "":
		return out, malformedXML()
	case days != nil:
		if *days < 0 {
			return out, invalidLifecycle(fmt.Sprintf("'%s' in %s action must be nonnegative", daysName, what))
		}
		if *days < 30 && (t.StorageClass == "STANDARD_IA" || t.StorageClass == "ONEZONE_IA") {
			return out, invalidLifecycle(fmt.Sprintf("'%s' in %s action must be greater than or equal to 30 for storageClass '%s'", daysName, what, t.StorageClass))
		}
		out.Days = int(*days)
	case t.Date != "" && !noncurrent:
		d, err := midnight(t.Date)
		if err != nil {
			return out, err
		}
		out.Date = d
	default:
		return out, malformedXML()
	}
	return out, nil
}

// midnight reads a lifecycle date, a day (2030-01-01) or a time, which
// S3 takes only at midnight UTC.
func midnight(v string) (time.Time, *Error) {
	d, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if d, err = time.Parse(time.DateOnly, v); err != nil {
			return time.Time{}, malformedXML()
		}
	}
	if d = d.UTC(); !d.Equal(d.Truncate(24 * time.Hour)) {
		return time.Time{}, errorf(http.StatusBadRequest, "InvalidArgument", "'Date' must be at midnight GMT").
			with("ArgumentName", "Date").with("ArgumentValue", v)
	}
	return d, nil
}

// filterDocument writes a rule's Filter as it was put, each condition it
// named given back.
func filterDocument(f trustgate.ObjectFilter) *lifecycleFilter {
	var prefix *string
	var greater, less *int64
	if f.Names("Prefix") {
		prefix = &f.Prefix
	}
	if f.Names("ObjectSizeGreaterThan") {
		greater = &f.SizeGreaterThan
	}
	if f.Names("ObjectSizeLessThan") {
		less = &f.SizeLessThan
	}
	if f.And {
		return &lifecycleFilter{And: &lifecycleAndList{Prefix: prefix, Tags: f.Tags, ObjectSizeGreaterThan: greater, ObjectSizeLessThan: less}}
	}
	out := &lifecycleFilter{Prefix: prefix, ObjectSizeGreaterThan: greater, ObjectSizeLessThan: less}
	if len(f.Tags) == 1 {
		out.Tag = &f.Tags[0]
	}
	return out
}

// lifecycleRuleOf writes a rule as GetBucketLifecycleConfiguration
// answers it: as it was put, each condition it named given back.
func lifecycleRuleOf(r trustgate.LifecycleRule) lifecycleRule {
	out := lifecycleRule{ID: r.ID, Status: "Disabled"}
	if r.Enabled {
		out.Status = "Enabled"
	}
	if r.LegacyPrefix {
		out.Prefix = &r.Filter.Prefix
	} else {
		out.Filter = filterDocument(r.Filter)
	}
	switch {
	case r.ExpirationDays > 0:
		out.Expiration = &lifecycleExpiration{Days: count32(r.ExpirationDays)}
	case !r.ExpirationDate.IsZero():
		out.Expiration = &lifecycleExpiration{Date: r.ExpirationDate.UTC().Format(lifecycleDate)}
	case r.ExpiredObjectDeleteMarker != nil:
		out.Expiration = &lifecycleExpiration{ExpiredObjectDeleteMarker: r.ExpiredObjectDeleteMarker}
	}
	if r.NoncurrentDays > 0 {
		out.NoncurrentVersionExpiration = &noncurrentExpiration{NoncurrentDays: count32(r.NoncurrentDays)}
		if r.NewerNoncurrentVersions > 0 {
			out.NoncurrentVersionExpiration.NewerNoncurrentVersions = count32(r.NewerNoncurrentVersions)
		}
	}
	if r.AbortUploadDays > 0 {
		out.AbortIncompleteMultipartUpload = &abortIncompleteUpload{DaysAfterInitiation: count32(r.AbortUploadDays)}
	}
	for _, t := range r.Transitions {
		tr := lifecycleTransition{StorageClass: t.StorageClass}
		if t.Date.IsZero() {
			tr.Days = count32(t.Days)
		} else {
			tr.Date = t.Date.UTC().Format(lifecycleDate)
		}
		out.Transitions = append(out.Transitions, tr)
	}
	for _, t := range r.NoncurrentTransitions {
		tr := lifecycleTransition{StorageClass: t.StorageClass, NoncurrentDays: count32(t.Days)}
		if t.NewerVersions > 0 {
			tr.NewerNoncurrentVersions = count32(t.NewerVersions)
		}
		out.NoncurrentVersionTransitions = append(out.NoncurrentVersionTransitions, tr)
	}
	return out
}

// count32 is a count as a document writes it.
func count32(n int) *int32 {
	v := int32(n)
	return &v
}
