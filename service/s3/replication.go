package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/policy"
)

// A bucket's replication configuration (note 80): PutBucketReplication,
// GetBucketReplication and DeleteBucketReplication.

type replicationConfiguration struct {
	XMLName xml.Name          `xml:"ReplicationConfiguration"`
	Xmlns   string            `xml:"xmlns,attr,omitempty"`
	Role    *string           `xml:",omitempty"`
	Rules   []replicationRule `xml:"Rule"`
	Unknown []unknownElement  `xml:",any"`
}

type replicationRule struct {
	ID                        string                   `xml:",omitempty"`
	Priority                  *int                     `xml:",omitempty"`
	Prefix                    *string                  `xml:",omitempty"`
	Filter                    *lifecycleFilter         `xml:",omitempty"`
	Status                    string                   `xml:",omitempty"`
	SourceSelectionCriteria   *sourceSelectionCriteria `xml:",omitempty"`
	ExistingObjectReplication *replicationStatus       `xml:",omitempty"`
	Destination               *replicationDestination  `xml:",omitempty"`
	DeleteMarkerReplication   *replicationStatus       `xml:",omitempty"`
	Unknown                   []unknownElement         `xml:",any"`
}

// replicationStatus is the element of many parts of a rule: a Status of
// Enabled or Disabled, and for some a time in minutes.
type replicationStatus struct {
	Status  string           `xml:",omitempty"`
	Unknown []unknownElement `xml:",any"`
}

type sourceSelectionCriteria struct {
	SseKmsEncryptedObjects *replicationStatus `xml:",omitempty"`
	ReplicaModifications   *replicationStatus `xml:",omitempty"`
	Unknown                []unknownElement   `xml:",any"`
}

type replicationDestination struct {
	Bucket                   *string `xml:",omitempty"`
	Account                  string  `xml:",omitempty"`
	StorageClass             string  `xml:",omitempty"`
	AccessControlTranslation *struct {
		Owner string
	} `xml:",omitempty"`
	EncryptionConfiguration *struct {
		ReplicaKmsKeyID string `xml:",omitempty"`
	} `xml:",omitempty"`
	ReplicationTime *timedStatus     `xml:",omitempty"`
	Metrics         *timedStatus     `xml:",omitempty"`
	Unknown         []unknownElement `xml:",any"`
}

// timedStatus is ReplicationTime (its Time) or Metrics (its
// EventThreshold): a status and a number of minutes.
type timedStatus struct {
	Status         string         `xml:",omitempty"`
	Time           *replicaMinute `xml:",omitempty"`
	EventThreshold *replicaMinute `xml:",omitempty"`
}

type replicaMinute struct {
	Minutes int
}

// maxReplicationRules is how many rules a configuration may have.
const maxReplicationRules = 1000

// repeatableReplicationElements are the elements a replication document
// may hold more than one of within their parent.
var repeatableReplicationElements = setOf("Rule", "Tag")

// replicationStorageClasses are the storage classes a replica may be
// written in.
var replicationStorageClasses = setOf("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
	"GLACIER", "DEEP_ARCHIVE", "GLACIER_IR")

func (s *Service) putBucketReplication(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutReplicationConfiguration")
	if err != nil {
		return err
	}
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	body, err := readBody(c, maxConfigBody, true)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errorf(http.StatusBadRequest, "MissingRequestBodyError", "Request Body is empty")
	}
	if b.Versioning != trustgate.VersioningEnabled {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
	}
	var doc replicationConfiguration
	if repeatsElement(body, repeatableReplicationElements) || xml.Unmarshal(body, &doc) != nil {
		return malformedXML()
	}
	conf, err := doc.configuration()
	if err != nil {
		return err
	}
	if err := s.checkDestinations(ctx, b, conf); err != nil {
		return err
	}
	// The caller passes the role to S3, as to any service that acts with
	// a role of the caller's account; IAM passes no other account's role.
	if role, _ := arn.Split(conf.Role); role.Account != b.Account || role.Account != c.Principal.Account {
		return errorf(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: iam:PassRole on resource: %s because cross-account pass role is not allowed",
			c.Principal.ARN, conf.Role)
	}
	keys := policy.NewContext()
	keys.Set("iam:PassedToService", "s3.amazonaws.com")
	if err := s.authorize(ctx, c, "iam:PassRole", conf.Role, nil, keys); err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if cur.Versioning != trustgate.VersioningEnabled {
			return errorf(http.StatusBadRequest, "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
		}
		cur.Replication = conf
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// checkDestinations refuses a configuration whose destination buckets are
// its source, do not exist, are not versioned or are not the accounts' it
// names, as S3 refuses them.
func (s *Service) checkDestinations(ctx context.Context, src *trustgate.Bucket, conf *trustgate.BucketReplication) *Error {
	for _, r := range conf.Rules {
		if r.Destination.Bucket == src.Name {
			return errorf(http.StatusBadRequest, "InvalidRequest", "Destination bucket cannot be the same as the source bucket.")
		}
		dest, err := s.store.Bucket(ctx, r.Destination.Bucket)
		switch {
		case errors.Is(err, trustgate.ErrNotFound) || err == nil && dest.Versioning != trustgate.VersioningEnabled:
			return errorf(http.StatusBadRequest, "InvalidRequest", "Destination bucket must have versioning enabled.")
		case err != nil:
			return internal(err)
		case r.Destination.Account != "" && r.Destination.Account != dest.Account:
			return errorf(http.StatusBadRequest, "InvalidArgument", "The AWS account specified in the <Account> element must match the destination bucket owner.")
		}
	}
	return nil
}

// configuration reads a document into the configuration it sets,
// refused as S3 refuses it.
func (d *replicationConfiguration) configuration() (*trustgate.BucketReplication, *Error) {
	if !known(d.Unknown) || d.Role == nil || len(d.Rules) == 0 {
		return nil, malformedXML()
	}
	if len(d.Rules) > maxReplicationRules {
		return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Number of rules in the replication configuration cannot exceed %d", maxReplicationRules)
	}
	role, ok := arn.Split(*d.Role)
	if !ok || role.Service != "iam" || !strings.HasPrefix(role.Resource, "role/") || !arn.IsAccountID(role.Account) {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid ARN").with("ArgumentName", "Role").with("ArgumentValue", *d.Role)
	}
	// A configuration is of the current schema when every rule has a
	// Filter; a single rule without one puts them all in the first.
	legacy := false
	for _, r := range d.Rules {
		legacy = legacy || r.Filter == nil
	}
	if legacy {
		// Rules of the first schema all go to one bucket, which S3 checks
		// before their elements.
		var first *string
		for _, r := range d.Rules {
			if r.Destination == nil || r.Destination.Bucket == nil {
				continue // MalformedXML, from rule
			}
			if first == nil {
				first = r.Destination.Bucket
			} else if *r.Destination.Bucket != *first {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Number of distinct destination bucket ARNs cannot exceed 1")
			}
		}
	}
	conf := &trustgate.BucketReplication{Role: *d.Role}
	ids := map[string]bool{}
	priorities := map[int]bool{}
	for i := range d.Rules {
		r, err := d.Rules[i].rule(legacy)
		if err != nil {
			return nil, err
		}
		if ids[r.ID] {
			return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Rule Id must be unique. Found same ID for more than one rule")
		}
		ids[r.ID] = true
		if !legacy {
			if priorities[*r.Priority] {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Found duplicate priority %d. Each rule must have a unique priority.", *r.Priority)
			}
			priorities[*r.Priority] = true
		}
		conf.Rules = append(conf.Rules, r)
	}
	if legacy {
		if err := checkLegacyRules(conf.Rules); err != nil {
			return nil, err
		}
	}
	return conf, nil
}

// checkLegacyRules refuses rules of the first schema that S3 cannot
// tell apart: no two of their prefixes overlap.
func checkLegacyRules(rules []trustgate.ReplicationRule) *Error {
	for i, r := range rules {
		for _, other := range rules[:i] {
			if strings.HasPrefix(r.Filter.Prefix, other.Filter.Prefix) || strings.HasPrefix(other.Filter.Prefix, r.Filter.Prefix) {
				return errorf(http.StatusBadRequest, "InvalidRequest", "Found overlapping prefixes '%s' and '%s'", other.Filter.Prefix, r.Filter.Prefix)
			}
		}
	}
	return nil
}

// rule reads one rule of a replication configuration of the first
// schema (legacy) or the current one.
func (r *replicationRule) rule(legacy bool) (trustgate.ReplicationRule, *Error) {
	var rule trustgate.ReplicationRule
	if !known(r.Unknown) || r.Destination == nil || r.Prefix != nil && r.Filter != nil {
		return rule, malformedXML()
	}
	if r.ExistingObjectReplication != nil {
		// Only AWS Support turns it on for a bucket.
		return rule, malformedXML()
	}
	if len(r.ID) > 255 {
		return rule, errorf(http.StatusBadRequest, "InvalidArgument", "ID length should not exceed allowed limit of 255")
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
	if legacy {
		// In the order of the rule's elements.
		for _, e := range []struct {
			element string
			named   bool
		}{{"Priority", r.Priority != nil}, {"Filter", r.Filter != nil}, {"DeleteMarkerReplication", r.DeleteMarkerReplication != nil}} {
			if e.named {
				return rule, schemaError(e.element, "cannot be used")
			}
		}
		if r.Prefix == nil {
			return rule, malformedXML() // a rule names a Prefix or a Filter
		}
		rule.LegacyPrefix = true
		rule.Filter = trustgate.ObjectFilter{Prefix: *r.Prefix, Named: []string{"Prefix"}}
	} else {
		f, err := r.Filter.filter()
		if err != nil {
			return rule, err
		}
		if f.Names("ObjectSizeGreaterThan") || f.Names("ObjectSizeLessThan") {
			return rule, malformedXML() // not in a replication filter's schema
		}
		for _, t := range f.Tags {
			if t.Key == "" {
				return rule, malformedXML()
			}
		}
		rule.Filter = f
		if r.DeleteMarkerReplication == nil {
			return rule, schemaError("DeleteMarkerReplication", "must be specified")
		}
		status, err := statusOf(r.DeleteMarkerReplication, true)
		if err != nil {
			return rule, err
		}
		if status == "Enabled" && len(rule.Filter.Tags) > 0 {
			return rule, errorf(http.StatusBadRequest, "InvalidRequest", "Delete marker replication is not supported if any Tag filter is specified. Please refer to S3 Developer Guide for more information.")
		}
		rule.DeleteMarkers = status
		priority := 0
		if r.Priority != nil {
			priority = *r.Priority
		}
		rule.Priority = &priority
	}
	if sc := r.SourceSelectionCriteria; sc != nil {
		if !known(sc.Unknown) {
			return rule, malformedXML()
		}
		if sc.SseKmsEncryptedObjects == nil && sc.ReplicaModifications == nil {
			return rule, errorf(http.StatusBadRequest, "InvalidRequest", "SourceSelectionCriteria cannot be empty")
		}
		rule.SourceSelection = true
		var err *Error
		if sc.SseKmsEncryptedObjects != nil {
			if rule.SSEKMSEncryptedObjects, err = statusOf(sc.SseKmsEncryptedObjects, false); err != nil {
				return rule, err
			}
		}
		if sc.ReplicaModifications != nil {
			if rule.ReplicaModifications, err = statusOf(sc.ReplicaModifications, false); err != nil {
				return rule, err
			}
		}
	}
	dest, err := r.Destination.destination()
	if err != nil {
		return rule, err
	}
	rule.Destination = dest
	return rule, nil
}

// schemaError refuses an element that a rule of its configuration's
// schema must have, or cannot have.
func schemaError(element, verb string) *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "%s %s for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.", element, verb)
}

// statusOf reads the Status of an element, Enabled or Disabled; an
// element without one is MalformedXML unless it may be empty, which reads
// as Disabled.
func statusOf(e *replicationStatus, mayBeEmpty bool) (string, *Error) {
	if !known(e.Unknown) {
		return "", malformedXML()
	}
	switch e.Status {
	case "Enabled", "Disabled":
		return e.Status, nil
	case "":
		if mayBeEmpty {
			return "Disabled", nil
		}
	}
	return "", malformedXML()
}

// destination reads a rule's Destination: a bucket named by its ARN, and
// how its replicas are written.
func (d *replicationDestination) destination() (trustgate.ReplicationDestination, *Error) {
	var out trustgate.ReplicationDestination
	if !known(d.Unknown) || d.Bucket == nil {
		return out, malformedXML()
	}
	name, ok := strings.CutPrefix(*d.Bucket, "arn:aws:s3:::")
	if !ok || name == "" || strings.Contains(name, "/") {
		return out, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid bucket ARN").with("ArgumentName", "Bucket").with("ArgumentValue", *d.Bucket)
	}
	out.Bucket = name
	if d.StorageClass != "" {
		if !replicationStorageClasses[d.StorageClass] {
			return out, malformedXML()
		}
		out.StorageClass = d.StorageClass
	}
	if d.Account != "" && !arn.IsAccountID(d.Account) {
		return out, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid Account Id specified").with("ArgumentName", "Account").with("ArgumentValue", d.Account)
	}
	out.Account = d.Account
	if t := d.AccessControlTranslation; t != nil {
		if t.Owner != "Destination" {
			return out, malformedXML()
		}
		if d.Account == "" {
			return out, errorf(http.StatusBadRequest, "InvalidRequest", "The <Owner> in <AccessControlTranslation> has a value, so the <Account> element must be specified.")
		}
		out.OwnerOverride = true
	}
	if e := d.EncryptionConfiguration; e != nil {
		out.ReplicaKMSKeyID = e.ReplicaKmsKeyID
	}
	if d.ReplicationTime != nil && d.Metrics == nil {
		return out, errorf(http.StatusBadRequest, "InvalidRequest", "The replication destination must contain both ReplicationTime and Metrics, or neither.")
	}
	if m := d.Metrics; m != nil && d.ReplicationTime == nil {
		// Metrics on their own, without S3 RTC.
		if m.Status != "Enabled" && m.Status != "Disabled" {
			return out, malformedXML()
		}
		if m.EventThreshold != nil && m.EventThreshold.Minutes != 15 {
			return out, errorf(http.StatusBadRequest, "InvalidArgument", "EventThreshold-ReplicationTimeValue-Minutes value must be 15")
		}
		out.Metrics = m.Status
		if m.EventThreshold != nil {
			out.MetricsMinutes = m.EventThreshold.Minutes
		}
	}
	if rt, m := d.ReplicationTime, d.Metrics; rt != nil {
		switch {
		case rt.Status == "":
			return out, errorf(http.StatusBadRequest, "InvalidArgument", "ReplicationTime-Status must contain a value")
		case rt.Status != "Enabled" && rt.Status != "Disabled" || m.Status != "Enabled" && m.Status != "Disabled":
			return out, malformedXML()
		case rt.Time == nil || rt.Time.Minutes != 15:
			return out, errorf(http.StatusBadRequest, "InvalidArgument", "ReplicationTime-Minutes value must be 15")
		case m.Status != rt.Status:
			return out, errorf(http.StatusBadRequest, "InvalidRequest", "ReplicationTime and ReplicationMetrics must have the same status.")
		case m.Status == "Enabled" && m.EventThreshold == nil:
			return out, errorf(http.StatusBadRequest, "InvalidArgument", "ReplicationMetrics must contain an EventThreshold")
		case m.EventThreshold != nil && m.EventThreshold.Minutes != 15:
			return out, errorf(http.StatusBadRequest, "InvalidArgument", "EventThreshold-ReplicationTimeValue-Minutes value must be 15")
		}
		out.ReplicationTime, out.ReplicationTimeMinutes = rt.Status, rt.Time.Minutes
		out.Metrics = m.Status
		if m.EventThreshold != nil {
			out.MetricsMinutes = m.EventThreshold.Minutes
		}
	}
	return out, nil
}

func (s *Service) getBucketReplication(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetReplicationConfiguration")
	if err != nil {
		return err
	}
	if b.Replication == nil {
		return errorf(http.StatusNotFound, "ReplicationConfigurationNotFoundError", "The replication configuration was not found").with("BucketName", b.Name)
	}
	return writeXML(w, c, http.StatusOK, replicationDocument(b.Replication))
}

// replicationDocument writes a configuration as GetBucketReplication
// answers it: as it was put, with the IDs S3 gave rules put without one.
func replicationDocument(conf *trustgate.BucketReplication) *replicationConfiguration {
	doc := &replicationConfiguration{Xmlns: Namespace, Role: &conf.Role}
	for _, r := range conf.Rules {
		out := replicationRule{ID: r.ID, Priority: r.Priority, Status: "Disabled"}
		if r.Enabled {
			out.Status = "Enabled"
		}
		if r.LegacyPrefix {
			out.Prefix = &r.Filter.Prefix
		} else {
			out.Filter = filterDocument(r.Filter)
			out.DeleteMarkerReplication = &replicationStatus{Status: r.DeleteMarkers}
		}
		if r.SourceSelection {
			out.SourceSelectionCriteria = &sourceSelectionCriteria{}
			if r.SSEKMSEncryptedObjects != "" {
				out.SourceSelectionCriteria.SseKmsEncryptedObjects = &replicationStatus{Status: r.SSEKMSEncryptedObjects}
			}
			if r.ReplicaModifications != "" {
				out.SourceSelectionCriteria.ReplicaModifications = &replicationStatus{Status: r.ReplicaModifications}
			}
		}
		d := r.Destination
		bucketARN := "arn:aws:s3:::" + d.Bucket
		dest := &replicationDestination{Bucket: &bucketARN, Account: d.Account, StorageClass: d.StorageClass}
		if d.OwnerOverride {
			dest.AccessControlTranslation = &struct{ Owner string }{Owner: "Destination"}
		}
		if d.ReplicaKMSKeyID != "" {
			dest.EncryptionConfiguration = &struct {
				ReplicaKmsKeyID string `xml:",omitempty"`
			}{ReplicaKmsKeyID: d.ReplicaKMSKeyID}
		}
		if d.ReplicationTime != "" {
			dest.ReplicationTime = &timedStatus{Status: d.ReplicationTime, Time: &replicaMinute{Minutes: d.ReplicationTimeMinutes}}
		}
		if d.Metrics != "" {
			dest.Metrics = &timedStatus{Status: d.Metrics}
			if d.MetricsMinutes != 0 {
				dest.Metrics.EventThreshold = &replicaMinute{Minutes: d.MetricsMinutes}
			}
		}
		out.Destination = dest
		doc.Rules = append(doc.Rules, out)
	}
	return doc
}

func (s *Service) deleteBucketReplication(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	// S3 authorizes the removal with the action that sets it.
	b, err := s.bucketAllowed(ctx, c, "s3:PutReplicationConfiguration")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Replication = nil
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}
