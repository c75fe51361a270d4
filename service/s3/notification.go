package s3api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
)

// Event notifications (note 87): a bucket's configuration of which of
// its events go to which SNS topic, SQS queue or Lambda function, and
// whether all go to EventBridge, kept and validated as S3 does. Nothing
// is delivered: trustgate serves none of those services, so S3's check
// that a destination exists and lets S3 publish to it fails for every
// destination, unless the request skips it.

// notificationEvents are the event types S3 sends notifications of.
var notificationEvents = setOf("s3:ReducedRedundancyLostObject",
	"s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
	"s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
	"s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
	"s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
	"s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
	"s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put",
	"s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
	"s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete")

// notificationKinds are the destinations' kinds, as the XML names their
// configurations, with the service their ARNs must name.
var notificationKinds = []struct{ kind, service string }{{"Topic", "sns"}, {"Queue", "sqs"}, {"CloudFunction", "lambda"}}

type filterRule struct {
	Name  string
	Value string
}

type destinationDocument struct {
	ID          string       `xml:"Id,omitempty"`
	Topic       string       `xml:",omitempty"`
	Queue       string       `xml:",omitempty"`
	Function    string       `xml:"CloudFunction,omitempty"`
	Events      []string     `xml:"Event"`
	FilterRules []filterRule `xml:"Filter>S3Key>FilterRule,omitempty"`
}

type notificationDocument struct {
	XMLName     xml.Name              `xml:"NotificationConfiguration"`
	Xmlns       string                `xml:"xmlns,attr,omitempty"`
	Topics      []destinationDocument `xml:"TopicConfiguration"`
	Queues      []destinationDocument `xml:"QueueConfiguration"`
	Functions   []destinationDocument `xml:"CloudFunctionConfiguration"`
	EventBridge *struct{}             `xml:"EventBridgeConfiguration"`
}

func (s *Service) putBucketNotification(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketNotification")
	if err != nil {
		return err
	}
	var doc notificationDocument
	if err := readXML(c, &doc); err != nil {
		return err
	}
	conf, cerr := notificationOf(doc, b.Region)
	if cerr != nil {
		return cerr
	}
	if conf != nil && len(conf.Destinations) > 0 && !strings.EqualFold(c.Request.Header.Get("x-amz-skip-destination-validation"), "true") {
		return unvalidatedDestinations(conf)
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Notification = conf
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// notificationOf checks a configuration as S3 does and makes the
// bucket's of it, nil for one of nothing.
func notificationOf(doc notificationDocument, region string) (*trustgate.BucketNotification, *Error) {
	conf := &trustgate.BucketNotification{EventBridge: doc.EventBridge != nil}
	for _, kind := range notificationKinds {
		var docs []destinationDocument
		switch kind.kind {
		case "Topic":
			docs = doc.Topics
		case "Queue":
			docs = doc.Queues
		default:
			docs = doc.Functions
		}
		for _, d := range docs {
			dest, err := destinationOf(d, kind.kind, kind.service, region)
			if err != nil {
				return nil, err
			}
			conf.Destinations = append(conf.Destinations, dest)
		}
	}
	ids := map[string]bool{}
	for _, d := range conf.Destinations {
		if ids[d.ID] {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Same ID used for multiple configurations. IDs must be unique.")
		}
		ids[d.ID] = true
	}
	if err := checkOverlaps(conf.Destinations); err != nil {
		return nil, err
	}
	if !conf.EventBridge && len(conf.Destinations) == 0 {
		return nil, nil
	}
	return conf, nil
}

func destinationOf(d destinationDocument, kind, service, region string) (trustgate.NotificationDestination, *Error) {
	// Each configuration names its destination in its own element.
	own := map[string]string{"Topic": d.Topic, "Queue": d.Queue, "CloudFunction": d.Function}[kind]
	if own == "" || len(d.Topic)+len(d.Queue)+len(d.Function) != len(own) {
		return trustgate.NotificationDestination{}, malformedXML()
	}
	dest := trustgate.NotificationDestination{Kind: kind, ID: d.ID, ARN: own, Events: d.Events}
	if dest.ID == "" {
		dest.ID = newNotificationID()
	}
	parsed, ok := arn.Split(dest.ARN)
	if !ok || parsed.Service != service || parsed.Resource == "" || !arn.IsAccountID(parsed.Account) {
		// Another service's ARN is no ARN of the kind either.
		return dest, invalidNotificationArgument(kind, dest.ARN, "The ARN could not be parsed")
	}
	if parsed.Region != region {
		return dest, invalidNotificationArgument(kind, dest.ARN, "The notification destination service region is not valid for the bucket location constraint")
	}
	if len(d.Events) == 0 {
		return dest, malformedXML()
	}
	for _, e := range d.Events {
		if !notificationEvents[e] {
			return dest, invalidNotificationArgument("Event", e, "The event is not supported for notifications")
		}
	}
	for _, r := range d.FilterRules {
		switch strings.ToLower(r.Name) {
		case "prefix":
			if dest.HasPrefix {
				return dest, invalidNotificationArgument("FilterRule", r.Name, "Cannot specify more than one prefix rule in a filter.")
			}
			dest.Prefix, dest.HasPrefix = r.Value, true
		case "suffix":
			if dest.HasSuffix {
				return dest, invalidNotificationArgument("FilterRule", r.Name, "Cannot specify more than one suffix rule in a filter.")
			}
			dest.Suffix, dest.HasSuffix = r.Value, true
		default:
			return dest, invalidNotificationArgument("FilterRule.Name", r.Name, "filter rule name must be either prefix or suffix")
		}
	}
	return dest, nil
}

func invalidNotificationArgument(name, value, message string) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "%s", message).with("ArgumentName", name).with("ArgumentValue", value)
}

// newNotificationID makes the ID S3 gives a configuration without one:
// a random string, base64 as S3's are.
func newNotificationID() string {
	b := make([]byte, 27)
	rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// checkOverlaps refuses two destinations that would both take one event
// of one object: an event type they share (a wildcard sharing its
// types) and filters that can hold for the same key.
func checkOverlaps(dests []trustgate.NotificationDestination) *Error {
	for i, a := range dests {
		for _, b := range dests[:i] {
			shared, ok := sharedEvent(b.Events, a.Events)
			switch {
			case !ok || !filtersOverlap(a, b):
			case a.HasPrefix || a.HasSuffix || b.HasPrefix || b.HasSuffix:
				return errorf(http.StatusBadRequest, "InvalidArgument",
					"Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.")
			default:
				return invalidNotificationArgument("Event", shared,
					"Configurations overlap. Configurations on the same bucket cannot share a common event type.")
			}
		}
	}
	return nil
}

// sharedEvent finds an event type of a and one of b that share events,
// and names them as S3 does, "A, B".
func sharedEvent(a, b []string) (string, bool) {
	for _, x := range a {
		for _, y := range b {
			if eventCovers(x, y) || eventCovers(y, x) {
				return x + ", " + y, true
			}
		}
	}
	return "", false
}

// eventCovers reports whether event type a takes in b: the same, or a
// wildcard over b's family.
func eventCovers(a, b string) bool {
	family, wild := strings.CutSuffix(a, "*")
	return a == b || wild && strings.HasPrefix(b, family)
}

// filtersOverlap reports whether a key can pass both destinations'
// filters: their prefixes one the start of the other, their suffixes one
// the end of the other.
func filtersOverlap(a, b trustgate.NotificationDestination) bool {
	return (strings.HasPrefix(a.Prefix, b.Prefix) || strings.HasPrefix(b.Prefix, a.Prefix)) &&
		(strings.HasSuffix(a.Suffix, b.Suffix) || strings.HasSuffix(b.Suffix, a.Suffix))
}

// unvalidatedDestinations refuses a configuration whose destinations S3
// cannot validate, as none of them exists here.
func unvalidatedDestinations(conf *trustgate.BucketNotification) *Error {
	e := errorf(http.StatusBadRequest, "InvalidArgument", "Unable to validate the following destination configurations")
	for i, d := range conf.Destinations {
		name, reason := d.ARN, "The destination queue does not exist"
		switch d.Kind {
		case "Topic":
			reason = "Permissions on the destination topic do not allow S3 to publish notifications from this bucket"
		case "CloudFunction":
			name, reason = d.ARN+", null", "Not authorized to invoke function ["+d.ARN+"]"
		}
		n := strconv.Itoa(i + 1)
		e.with("ArgumentName"+n, name).with("ArgumentValue"+n, reason)
	}
	return e
}

func (s *Service) getBucketNotification(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketNotification")
	if err != nil {
		return err
	}
	doc := notificationDocument{Xmlns: Namespace}
	if conf := b.Notification; conf != nil {
		if conf.EventBridge {
			doc.EventBridge = &struct{}{}
		}
		for _, d := range conf.Destinations {
			out := destinationDocument{ID: d.ID, Events: d.Events}
			if d.HasPrefix {
				out.FilterRules = append(out.FilterRules, filterRule{"Prefix", d.Prefix})
			}
			if d.HasSuffix {
				out.FilterRules = append(out.FilterRules, filterRule{"Suffix", d.Suffix})
			}
			switch d.Kind {
			case "Topic":
				out.Topic = d.ARN
				doc.Topics = append(doc.Topics, out)
			case "Queue":
				out.Queue = d.ARN
				doc.Queues = append(doc.Queues, out)
			default:
				out.Function = d.ARN
				doc.Functions = append(doc.Functions, out)
			}
		}
	}
	return writeXML(w, c, http.StatusOK, doc)
}
