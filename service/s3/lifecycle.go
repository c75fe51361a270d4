package s3api

import (
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

// MaxLifecycleRules is the most rules a lifecycle configuration holds.
const MaxLifecycleRules = 1000

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
// and GetBucketLifecycleConfiguration.
type lifecycleConfiguration struct {
	XMLName xml.Name        `xml:"LifecycleConfiguration"`
	Xmlns   string          `xml:"xmlns,attr,omitempty"`
	Rules   []lifecycleRule `xml:"Rule"`
}

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
}

type lifecycleFilter struct {
	Prefix                *string           `xml:",omitempty"`
	Tag                   *trustgate.Tag    `xml:",omitempty"`
	ObjectSizeGreaterThan *int64            `xml:",omitempty"`
	ObjectSizeLessThan    *int64            `xml:",omitempty"`
	And                   *lifecycleAndList `xml:",omitempty"`
}

type lifecycleAndList struct {
	Prefix                *string         `xml:",omitempty"`
	Tags                  []trustgate.Tag `xml:"Tag"`
	ObjectSizeGreaterThan *int64          `xml:",omitempty"`
	ObjectSizeLessThan    *int64          `xml:",omitempty"`
}

type lifecycleExpiration struct {
	Date                      string `xml:",omitempty"`
	Days                      *int   `xml:",omitempty"`
	ExpiredObjectDeleteMarker *bool  `xml:",omitempty"`
}

type lifecycleTransition struct {
	Date                    string `xml:",omitempty"`
	Days                    *int   `xml:",omitempty"`
	NoncurrentDays          *int   `xml:",omitempty"`
	NewerNoncurrentVersions *int   `xml:",omitempty"`
	StorageClass            string
}

type noncurrentExpiration struct {
	NoncurrentDays          *int `xml:",omitempty"`
	NewerNoncurrentVersions *int `xml:",omitempty"`
}

type abortIncompleteUpload struct {
	DaysAfterInitiation *int
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
	var conf lifecycleConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
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
	if len(conf.Rules) == 0 || len(conf.Rules) > MaxLifecycleRules {
		return nil, malformedXML()
	}
	ids := map[string]bool{}
	var out []trustgate.LifecycleRule
	for _, r := range conf.Rules {
		rule, err := r.rule()
		if err != nil {
			return nil, err
		}
		if rule.ID != "" {
			if ids[rule.ID] {
				return nil, invalidLifecycle("Rule ID must be unique. Found same ID for more than one rule")
			}
			ids[rule.ID] = true
		}
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

func (r *lifecycleRule) rule() (trustgate.LifecycleRule, *Error) {
	var rule trustgate.LifecycleRule
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
		rule.Filter.Prefix, rule.LegacyPrefix = *r.Prefix, true
	case r.Filter != nil:
		f, err := r.Filter.filter()
		if err != nil {
			return rule, err
		}
		rule.Filter = f
	default:
		return rule, malformedXML()
	}
	if e := r.Expiration; e != nil {
		set := 0
		if e.Days != nil {
			if *e.Days <= 0 {
				return rule, invalidLifecycle("'Days' for Expiration action must be a positive integer")
			}
			rule.ExpirationDays = *e.Days
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
			if len(rule.Filter.Tags) > 0 {
				return rule, invalidLifecycleRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
			}
			rule.ExpiredObjectDeleteMarker = *e.ExpiredObjectDeleteMarker
			set++
		}
		if set != 1 {
			return rule, malformedXML()
		}
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		if n.NoncurrentDays == nil && n.NewerNoncurrentVersions == nil {
			return rule, malformedXML()
		}
		if n.NoncurrentDays == nil || *n.NoncurrentDays <= 0 {
			return rule, invalidLifecycle("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		}
		rule.NoncurrentDays = *n.NoncurrentDays
		if v := n.NewerNoncurrentVersions; v != nil {
			if *v <= 0 || *v > 100 {
				return rule, invalidLifecycle("NewerNoncurrentVersions for NoncurrentVersionExpiration must be between 1 and 100")
			}
			rule.NewerNoncurrentVersions = *v
		}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		if len(rule.Filter.Tags) > 0 {
			return rule, invalidLifecycleRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
		}
		if rule.Filter.SizeGreaterThan > 0 || rule.Filter.SizeLessThan > 0 {
			return rule, invalidLifecycleRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.")
		}
		if a.DaysAfterInitiation == nil || *a.DaysAfterInitiation <= 0 {
			return rule, invalidLifecycle("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
		}
		rule.AbortUploadDays = *a.DaysAfterInitiation
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

// filter reads a rule's Filter: one of a prefix, a tag, a size bound or
// an And of several.
func (f *lifecycleFilter) filter() (trustgate.LifecycleFilter, *Error) {
	var out trustgate.LifecycleFilter
	set := 0
	if f.Prefix != nil {
		out.Prefix = *f.Prefix
		set++
	}
	if f.Tag != nil {
		out.Tags = []trustgate.Tag{*f.Tag}
		set++
	}
	if f.ObjectSizeGreaterThan != nil {
		out.SizeGreaterThan = *f.ObjectSizeGreaterThan
		set++
	}
	if f.ObjectSizeLessThan != nil {
		out.SizeLessThan = *f.ObjectSizeLessThan
		set++
	}
	if a := f.And; a != nil {
		// An And joins two conditions or more.
		conditions := len(a.Tags)
		for _, set := range []bool{a.Prefix != nil, a.ObjectSizeGreaterThan != nil, a.ObjectSizeLessThan != nil} {
			if set {
				conditions++
			}
		}
		if conditions < 2 {
			return out, malformedXML()
		}
		out.And = true
		if a.Prefix != nil {
			out.Prefix = *a.Prefix
		}
		out.Tags = a.Tags
		if a.ObjectSizeGreaterThan != nil {
			out.SizeGreaterThan = *a.ObjectSizeGreaterThan
		}
		if a.ObjectSizeLessThan != nil {
			out.SizeLessThan = *a.ObjectSizeLessThan
		}
		set++
	}
	if set > 1 {
		return out, malformedXML()
	}
	seen := map[string]bool{}
	for _, t := range out.Tags {
		if seen[t.Key] {
			return out, invalidLifecycleRequest("Duplicate Tag Keys are not allowed.")
		}
		seen[t.Key] = true
	}
	if out.SizeGreaterThan < 0 || out.SizeLessThan < 0 ||
		out.SizeGreaterThan > 0 && out.SizeLessThan > 0 && out.SizeLessThan <= out.SizeGreaterThan {
		return out, invalidLifecycleRequest("ObjectSizeLessThan has to be a value greater than ObjectSizeGreaterThan")
	}
	return out, nil
}

// transition reads a Transition, or a NoncurrentVersionTransition
// (noncurrent).
func (t *lifecycleTransition) transition(noncurrent bool) (trustgate.LifecycleTransition, *Error) {
	var out trustgate.LifecycleTransition
	if !transitionClasses[t.StorageClass] {
		return out, malformedXML()
	}
	out.StorageClass = t.StorageClass
	days, what := t.Days, "Transition"
	if noncurrent {
		days, what = t.NoncurrentDays, "NoncurrentVersionTransition"
		if v := t.NewerNoncurrentVersions; v != nil {
			out.NewerVersions = *v
		}
	}
	switch {
	case days != nil && t.Date != "":
		return out, malformedXML()
	case days != nil:
		if *days < 0 {
			return out, invalidLifecycle("'Days' in " + what + " action must be nonnegative")
		}
		if !noncurrent && *days < 30 && (t.StorageClass == "STANDARD_IA" || t.StorageClass == "ONEZONE_IA") {
			return out, invalidLifecycle(fmt.Sprintf("'Days' in Transition action must be greater than or equal to 30 for storageClass '%s'", t.StorageClass))
		}
		out.Days = *days
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

// midnight reads a lifecycle date, which S3 takes only at midnight UTC.
func midnight(v string) (time.Time, *Error) {
	d, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, malformedXML()
	}
	if d = d.UTC(); !d.Equal(d.Truncate(24 * time.Hour)) {
		return time.Time{}, errorf(http.StatusBadRequest, "InvalidArgument", "'Date' must be at midnight GMT").
			with("ArgumentName", "Date").with("ArgumentValue", v)
	}
	return d, nil
}

// lifecycleRuleOf writes a rule as GetBucketLifecycleConfiguration
// answers it.
func lifecycleRuleOf(r trustgate.LifecycleRule) lifecycleRule {
	out := lifecycleRule{ID: r.ID, Status: "Disabled"}
	if r.Enabled {
		out.Status = "Enabled"
	}
	f := r.Filter
	switch {
	case r.LegacyPrefix:
		out.Prefix = &f.Prefix
	case f.And:
		a := &lifecycleAndList{Tags: f.Tags}
		if f.Prefix != "" {
			a.Prefix = &f.Prefix
		}
		if f.SizeGreaterThan > 0 {
			a.ObjectSizeGreaterThan = &f.SizeGreaterThan
		}
		if f.SizeLessThan > 0 {
			a.ObjectSizeLessThan = &f.SizeLessThan
		}
		out.Filter = &lifecycleFilter{And: a}
	default:
		out.Filter = &lifecycleFilter{}
		switch {
		case len(f.Tags) == 1:
			out.Filter.Tag = &f.Tags[0]
		case f.SizeGreaterThan > 0:
			out.Filter.ObjectSizeGreaterThan = &f.SizeGreaterThan
		case f.SizeLessThan > 0:
			out.Filter.ObjectSizeLessThan = &f.SizeLessThan
		default:
			out.Filter.Prefix = &f.Prefix
		}
	}
	switch {
	case r.ExpirationDays > 0:
		out.Expiration = &lifecycleExpiration{Days: &r.ExpirationDays}
	case !r.ExpirationDate.IsZero():
		out.Expiration = &lifecycleExpiration{Date: r.ExpirationDate.UTC().Format(lifecycleDate)}
	case r.ExpiredObjectDeleteMarker:
		yes := true
		out.Expiration = &lifecycleExpiration{ExpiredObjectDeleteMarker: &yes}
	}
	if r.NoncurrentDays > 0 {
		out.NoncurrentVersionExpiration = &noncurrentExpiration{NoncurrentDays: &r.NoncurrentDays}
		if r.NewerNoncurrentVersions > 0 {
			out.NoncurrentVersionExpiration.NewerNoncurrentVersions = &r.NewerNoncurrentVersions
		}
	}
	if r.AbortUploadDays > 0 {
		out.AbortIncompleteMultipartUpload = &abortIncompleteUpload{DaysAfterInitiation: &r.AbortUploadDays}
	}
	for _, t := range r.Transitions {
		tr := lifecycleTransition{StorageClass: t.StorageClass}
		if t.Date.IsZero() {
			tr.Days = &t.Days
		} else {
			tr.Date = t.Date.UTC().Format(lifecycleDate)
		}
		out.Transitions = append(out.Transitions, tr)
	}
	for _, t := range r.NoncurrentTransitions {
		tr := lifecycleTransition{StorageClass: t.StorageClass, NoncurrentDays: &t.Days}
		if t.NewerVersions > 0 {
			tr.NewerNoncurrentVersions = &t.NewerVersions
		}
		out.NoncurrentVersionTransitions = append(out.NoncurrentVersionTransitions, tr)
	}
	return out
}
