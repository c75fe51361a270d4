package s3api

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/trustgate/trustgate"
)

// The configurations a bucket keeps by ID (note 88): its analytics,
// inventory, metrics and Intelligent-Tiering configurations, each
// checked as S3 checks it and kept as S3 reads it back. Nothing acts on
// them: no storage class is analysed, no inventory or metric is made,
// no object moves between tiers.

const (
	// maxIDConfigurations is how many configurations of a kind a bucket
	// may have.
	maxIDConfigurations = 1000
	// idConfigurationsPage is how many a listing gives at most.
	idConfigurationsPage = 100
	// maxConfigurationID is the longest ID a configuration may have.
	maxConfigurationID = 64
)

// idKind is a kind of configuration: the subresource that names it, the
// element of one, the document of a listing, the actions that read and
// change them, how a request's document of one is read, and the refusal
// of a document naming another ID than the query.
type idKind struct {
	subresource, element, listing, read, change string
	parse                                       func(c *Call, id string, mismatch *Error) (idDocument, *Error)
	mismatch                                    *Error
}

// idDocument is a configuration's document as a request sent it.
type idDocument interface {
	// configurationID is the ID the document names.
	configurationID() string
	// check refuses what S3 refuses in a document its schema admits.
	check() *Error
}

// idKinds are the kinds, in the order a query naming several is taken
// in.
var idKinds = []idKind{
	{"analytics", "AnalyticsConfiguration", "ListBucketAnalyticsConfigurationResult", "s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", parseIDDocument[analyticsDocument], malformedXML()},
	{"inventory", "InventoryConfiguration", "ListInventoryConfigurationsResult", "s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration", parseIDDocument[inventoryDocument],
		errorf(http.StatusBadRequest, "IdMismatch", "Document ID does not match the specified configuration ID.")},
	{"metrics", "MetricsConfiguration", "ListMetricsConfigurationsResult", "s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", parseIDDocument[metricsDocument], malformedXML()},
	{"intelligent-tiering", "IntelligentTieringConfiguration", "ListBucketIntelligentTieringConfigurationsOutput", "s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", parseIDDocument[tieringDocument], malformedXML()},
}

// namesIDConfiguration reports whether a request's query names one of
// the kinds.
func namesIDConfiguration(q url.Values) bool {
	_, ok := idKindOf(q)
	return ok
}

func idKindOf(q url.Values) (idKind, bool) {
	for _, k := range idKinds {
		if _, ok := q[k.subresource]; ok {
			return k, true
		}
	}
	return idKind{}, false
}

// parseIDDocument reads a request's document of one kind, for the
// configuration of the query's id, and checks it: first that it names
// that ID (or mismatch), then the rest.
func parseIDDocument[T any, P interface {
	*T
	idDocument
}](c *Call, id string, mismatch *Error) (idDocument, *Error) {
	doc := P(new(T))
	if err := readDocument(c, doc); err != nil {
		return nil, err
	}
	if !validConfigurationID(doc.configurationID()) {
		return nil, malformedXML()
	}
	if doc.configurationID() != id {
		return nil, mismatch
	}
	if err := doc.check(); err != nil {
		return nil, err
	}
	return doc, nil
}

// validConfigurationID tells whether S3 takes an ID: 1 to 64 letters,
// digits, periods, hyphens and underscores.
func validConfigurationID(id string) bool {
	if id == "" || len(id) > maxConfigurationID {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// idConfiguration answers the calls on a kind of configuration: a
// listing (GET without an id), and a write, a read or a removal by id,
// once the caller may make them.
func (s *Service) idConfiguration(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	k, _ := idKindOf(c.query)
	action := k.read
	if c.Request.Method != http.MethodGet {
		action = k.change // S3 authorizes a removal with the action that sets
	}
	b, err := s.bucketAllowed(ctx, c, action)
	if err != nil {
		return err
	}
	id, named := c.query["id"]
	switch {
	case c.Request.Method == http.MethodGet && !named:
		return s.listIDConfigurations(ctx, w, c, k, b)
	case !named || id[0] == "":
		return errorf(http.StatusBadRequest, "InvalidArgument", "The %s ID is missing: name the configuration with ?id=", k.element).
			with("ArgumentName", "id").with("ArgumentValue", "")
	}
	switch c.Request.Method {
	case http.MethodPut:
		return s.putIDConfiguration(ctx, w, c, k, b, id[0])
	case http.MethodDelete:
		if err := s.store.DeleteBucketConfiguration(ctx, b.Name, k.subresource, id[0]); err != nil {
			return configurationError(err, c)
		}
		return writeEmpty(w, c, http.StatusNoContent)
	}
	conf, serr := s.store.BucketConfiguration(ctx, b.Name, k.subresource, id[0])
	if serr != nil {
		return configurationError(serr, c)
	}
	return writeXML(w, c, http.StatusOK, storedConfiguration{
		XMLName: xml.Name{Local: k.element}, Xmlns: Namespace,
		Inner: strings.TrimSuffix(strings.TrimPrefix(conf.Document, "<"+k.element+">"), "</"+k.element+">"),
	})
}

// storedConfiguration writes a kept configuration, Inner being its
// elements.
type storedConfiguration struct {
	XMLName xml.Name
	Xmlns   string `xml:"xmlns,attr"`
	Inner   string `xml:",innerxml"`
}

func (s *Service) putIDConfiguration(ctx context.Context, w http.ResponseWriter, c *Call, k idKind, b *trustgate.Bucket, id string) *Error {
	doc, err := k.parse(c, id, k.mismatch)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := xml.NewEncoder(&out).EncodeElement(doc, xml.StartElement{Name: xml.Name{Local: k.element}}); err != nil {
		return internal(err)
	}
	conf := trustgate.BucketConfiguration{Kind: k.subresource, ID: id, Document: out.String()}
	if err := s.store.PutBucketConfiguration(ctx, b.Account, b.Name, conf, maxIDConfigurations); err != nil {
		if errors.Is(err, trustgate.ErrLimit) {
			return errorf(http.StatusBadRequest, "TooManyConfigurations",
				"You are attempting to create a new configuration but have already reached the 1,000-configuration limit.")
		}
		return storeError(err, c)
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) listIDConfigurations(ctx context.Context, w http.ResponseWriter, c *Call, k idKind, b *trustgate.Bucket) *Error {
	token := c.query.Get("continuation-token")
	after := ""
	if token != "" {
		var ok bool
		if after, ok = resumePoint(token); !ok {
			return badContinuationToken(token)
		}
	}
	confs, err := s.store.BucketConfigurations(ctx, b.Name, k.subresource, after, idConfigurationsPage+1)
	if err != nil {
		return internal(err)
	}
	out := struct {
		XMLName               xml.Name
		Xmlns                 string `xml:"xmlns,attr"`
		IsTruncated           bool
		ContinuationToken     string `xml:",omitempty"`
		NextContinuationToken string `xml:",omitempty"`
		Configurations        string `xml:",innerxml"`
	}{XMLName: xml.Name{Local: k.listing}, Xmlns: Namespace, ContinuationToken: token}
	if len(confs) > idConfigurationsPage {
		confs = confs[:idConfigurationsPage]
		out.IsTruncated, out.NextContinuationToken = true, continuationToken(confs[len(confs)-1].ID)
	}
	var docs strings.Builder
	for _, conf := range confs {
		docs.WriteString(conf.Document)
	}
	out.Configurations = docs.String()
	return writeXML(w, c, http.StatusOK, out)
}

// configurationError answers a store's refusal of a configuration: the
// one named is not there, or the bucket went away.
func configurationError(err error, c *Call) *Error {
	if errors.Is(err, trustgate.ErrNotFound) {
		return errorf(http.StatusNotFound, "NoSuchConfiguration", "The specified configuration does not exist.")
	}
	return storeError(err, c)
}

// configurationFilter is the Filter of an analytics, metrics or
// Intelligent-Tiering configuration: one of a prefix, a tag, an access
// point (metrics alone) or an And of two or more of them.
//
// Its single elements are slices so that one given twice is seen, and
// refused, rather than taken for its last.
type configurationFilter struct {
	Prefix         []string           `xml:",omitempty"`
	Tag            []configurationTag `xml:",omitempty"`
	AccessPointArn []string           `xml:",omitempty"`
	And            []configurationAnd `xml:",omitempty"`
	Unknown        []unknownElement   `xml:",any"`
}

type configurationAnd struct {
	Prefix         []string           `xml:",omitempty"`
	Tags           []configurationTag `xml:"Tag"`
	AccessPointArn []string           `xml:",omitempty"`
	Unknown        []unknownElement   `xml:",any"`
}

// configurationTag is a filter's tag, whose key and value are both
// required.
type configurationTag struct {
	Key     *string
	Value   *string
	Unknown []unknownElement `xml:",any"`
}

// check refuses a filter of no condition or of several beside each
// other (or one of them twice), an And of fewer than two, a tag without
// its key or value, and an access point where the kind has none.
func (f *configurationFilter) check(accessPoints bool) *Error {
	if f == nil {
		return nil
	}
	conditions := len(f.Prefix) + len(f.Tag) + len(f.AccessPointArn) + len(f.And)
	if !known(f.Unknown) || conditions != 1 {
		return malformedXML()
	}
	tags, accessPoint := f.Tag, f.AccessPointArn
	if len(f.And) == 1 {
		a := f.And[0]
		if !known(a.Unknown) || len(a.Prefix) > 1 || len(a.AccessPointArn) > 1 || len(a.Tags)+len(a.Prefix)+len(a.AccessPointArn) < 2 {
			return malformedXML()
		}
		tags, accessPoint = a.Tags, a.AccessPointArn
	}
	for _, t := range tags {
		if !known(t.Unknown) || t.Key == nil || *t.Key == "" || t.Value == nil {
			return malformedXML()
		}
	}
	if len(accessPoint) > 0 && (!accessPoints || accessPoint[0] == "") {
		return malformedXML()
	}
	return nil
}

type metricsDocument struct {
	XMLName xml.Name             `xml:"MetricsConfiguration"`
	ID      string               `xml:"Id"`
	Filter  *configurationFilter `xml:",omitempty"`
	Unknown []unknownElement     `xml:",any"`
}

func (d *metricsDocument) configurationID() string { return d.ID }

func (d *metricsDocument) check() *Error {
	if !known(d.Unknown) {
		return malformedXML()
	}
	return d.Filter.check(true)
}

type analyticsDocument struct {
	XMLName              xml.Name             `xml:"AnalyticsConfiguration"`
	ID                   string               `xml:"Id"`
	Filter               *configurationFilter `xml:",omitempty"`
	StorageClassAnalysis *struct {
		DataExport *struct {
			OutputSchemaVersion string
			Destination         *struct {
				S3BucketDestination *struct {
					Format          string
					BucketAccountId string `xml:",omitempty"`
					Bucket          string
					Prefix          *string          `xml:",omitempty"`
					Unknown         []unknownElement `xml:",any"`
				}
				Unknown []unknownElement `xml:",any"`
			}
			Unknown []unknownElement `xml:",any"`
		} `xml:",omitempty"`
		Unknown []unknownElement `xml:",any"`
	}
	Unknown []unknownElement `xml:",any"`
}

func (d *analyticsDocument) configurationID() string { return d.ID }

func (d *analyticsDocument) check() *Error {
	a := d.StorageClassAnalysis
	if a == nil || !known(d.Unknown, a.Unknown) {
		return malformedXML()
	}
	if err := d.Filter.check(false); err != nil {
		return err
	}
	e := a.DataExport
	if e == nil {
		return nil
	}
	if !known(e.Unknown) || e.OutputSchemaVersion != "V_1" || e.Destination == nil || !known(e.Destination.Unknown) {
		return malformedXML()
	}
	dest := e.Destination.S3BucketDestination
	if dest == nil || !known(dest.Unknown) || dest.Format != "CSV" || dest.Bucket == "" {
		return malformedXML()
	}
	if !isBucketARN(dest.Bucket) {
		return errorf(http.StatusBadRequest, "InvalidArgument", "The destination bucket must be named by its ARN, arn:aws:s3:::BUCKET, not %q", dest.Bucket).
			with("ArgumentName", "Bucket").with("ArgumentValue", dest.Bucket)
	}
	return checkDestinationAccount("BucketAccountId", dest.BucketAccountId)
}

// isBucketARN tells whether s names a bucket by its ARN,
// arn:aws:s3:::BUCKET, as a report's destination must be.
func isBucketARN(s string) bool {
	name, ok := strings.CutPrefix(s, "arn:aws:s3:::")
	return ok && name != "" && !strings.Contains(name, "/")
}

// checkDestinationAccount requires the account a report's destination
// names, when it names one, to be twelve digits.
func checkDestinationAccount(accountElement, account string) *Error {
	if account != "" && !twelveDigits(account) {
		return errorf(http.StatusBadRequest, "InvalidArgument", "The destination's %s must be an account ID of 12 digits, not %q", accountElement, account).
			with("ArgumentName", accountElement).with("ArgumentValue", account)
	}
	return nil
}

func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var (
	inventoryFormats  = setOf("CSV", "ORC", "Parquet")
	inventoryVersions = setOf("All", "Current")
	inventorySchedule = setOf("Daily", "Weekly")
	inventoryFields   = setOf("Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus",
		"EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
		"BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner", "LifecycleExpirationDate")
)

type inventoryDocument struct {
	XMLName     xml.Name `xml:"InventoryConfiguration"`
	Destination *struct {
		S3BucketDestination *struct {
			AccountId  string `xml:",omitempty"`
			Bucket     string
			Format     string
			Prefix     *string `xml:",omitempty"`
			Encryption *struct {
				SSES3  *struct{} `xml:"SSE-S3,omitempty"`
				SSEKMS *struct {
					KeyId string
				} `xml:"SSE-KMS,omitempty"`
				Unknown []unknownElement `xml:",any"`
			} `xml:",omitempty"`
			Unknown []unknownElement `xml:",any"`
		}
		Unknown []unknownElement `xml:",any"`
	}
	IsEnabled *bool
	Filter    *struct {
		Prefix  []string         // one, required; a slice to see a second
		Unknown []unknownElement `xml:",any"`
	} `xml:",omitempty"`
	ID                     string `xml:"Id"`
	IncludedObjectVersions string
	OptionalFields         *struct {
		Fields  []string         `xml:"Field"`
		Unknown []unknownElement `xml:",any"`
	} `xml:",omitempty"`
	Schedule *struct {
		Frequency string
		Unknown   []unknownElement `xml:",any"`
	}
	Unknown []unknownElement `xml:",any"`
}

func (d *inventoryDocument) configurationID() string { return d.ID }

func (d *inventoryDocument) check() *Error {
	if !known(d.Unknown) || d.IsEnabled == nil || !inventoryVersions[d.IncludedObjectVersions] ||
		d.Schedule == nil || !known(d.Schedule.Unknown) || !inventorySchedule[d.Schedule.Frequency] {
		return malformedXML()
	}
	if f := d.Filter; f != nil && (!known(f.Unknown) || len(f.Prefix) != 1) {
		return malformedXML()
	}
	if f := d.OptionalFields; f != nil {
		if !known(f.Unknown) {
			return malformedXML()
		}
		for _, field := range f.Fields {
			if !inventoryFields[field] {
				return malformedXML()
			}
		}
	}
	if d.Destination == nil || !known(d.Destination.Unknown) {
		return malformedXML()
	}
	dest := d.Destination.S3BucketDestination
	if dest == nil || !known(dest.Unknown) || dest.Bucket == "" || !inventoryFormats[dest.Format] {
		return malformedXML()
	}
	if e := dest.Encryption; e != nil {
		if !known(e.Unknown) || countSet(e.SSES3 != nil, e.SSEKMS != nil) != 1 || e.SSEKMS != nil && e.SSEKMS.KeyId == "" {
			return malformedXML()
		}
	}
	if !isBucketARN(dest.Bucket) {
		return errorf(http.StatusBadRequest, "InvalidS3DestinationBucket", "Invalid bucket ARN.")
	}
	return checkDestinationAccount("AccountId", dest.AccountId)
}

// tieringDays are the fewest and most days without access after which
// each archive tier may take an object in.
var tieringDays = map[string][2]int{"ARCHIVE_ACCESS": {90, 730}, "DEEP_ARCHIVE_ACCESS": {180, 730}}

type tieringDocument struct {
	XMLName  xml.Name             `xml:"IntelligentTieringConfiguration"`
	ID       string               `xml:"Id"`
	Filter   *configurationFilter `xml:",omitempty"`
	Status   string
	Tierings []struct {
		Days       *int
		AccessTier string
		Unknown    []unknownElement `xml:",any"`
	} `xml:"Tiering"`
	Unknown []unknownElement `xml:",any"`
}

func (d *tieringDocument) configurationID() string { return d.ID }

func (d *tieringDocument) check() *Error {
	if !known(d.Unknown) || d.Status != "Enabled" && d.Status != "Disabled" || len(d.Tierings) == 0 {
		return malformedXML()
	}
	if err := d.Filter.check(false); err != nil {
		return err
	}
	seen := map[string]int{}
	for _, t := range d.Tierings {
		bounds, ok := tieringDays[t.AccessTier]
		if !known(t.Unknown) || !ok || t.Days == nil {
			return malformedXML()
		}
		invalid := func(format string, args ...any) *Error {
			return errorf(http.StatusBadRequest, "InvalidArgument", format, args...).
				with("ArgumentName", "Tiering").with("ArgumentValue", t.AccessTier)
		}
		switch days := *t.Days; {
		case seen[t.AccessTier] > 0:
			return invalid("The %s tier is named by more than one Tiering: name each tier once.", t.AccessTier)
		case days < bounds[0]:
			return invalid("Days specified in %s tier should not be less than %d.", t.AccessTier, bounds[0])
		case days > bounds[1]:
			return invalid("Days specified in %s tier should not be more than %d.", t.AccessTier, bounds[1])
		}
		seen[t.AccessTier] = *t.Days
	}
	if archive, ok := seen["ARCHIVE_ACCESS"]; ok {
		if deep, ok := seen["DEEP_ARCHIVE_ACCESS"]; ok && deep <= archive {
			return errorf(http.StatusBadRequest, "InvalidArgument", "Days specified in DEEP_ARCHIVE_ACCESS tier should be greater than days specified in ARCHIVE_ACCESS tier.").
				with("ArgumentName", "Tiering").with("ArgumentValue", "DEEP_ARCHIVE_ACCESS")
		}
	}
	return nil
}
