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
// change them, and how a request's document of one is read.
type idKind struct {
	subresource, element, listing, read, change string
	parse                                       func(c *Call) (idDocument, *Error)
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
	{"analytics", "AnalyticsConfiguration", "ListBucketAnalyticsConfigurationResult", "s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", parseIDDocument[analyticsDocument]},
	{"inventory", "InventoryConfiguration", "ListInventoryConfigurationsResult", "s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration", parseIDDocument[inventoryDocument]},
	{"metrics", "MetricsConfiguration", "ListMetricsConfigurationsResult", "s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", parseIDDocument[metricsDocument]},
	{"intelligent-tiering", "IntelligentTieringConfiguration", "ListBucketIntelligentTieringConfigurationsOutput", "s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", parseIDDocument[tieringDocument]},
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

// parseIDDocument reads a request's document of one kind and checks it.
func parseIDDocument[T any, P interface {
	*T
	idDocument
}](c *Call) (idDocument, *Error) {
	doc := P(new(T))
	if err := readDocument(c, doc); err != nil {
		return nil, err
	}
	if !validConfigurationID(doc.configurationID()) {
		return nil, malformedXML()
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
	doc, err := k.parse(c)
	if err != nil {
		return err
	}
	if doc.configurationID() != id {
		return malformedXML() // as S3 refuses an Id the query does not name
	}
	var out bytes.Buffer
	if err := xml.NewEncoder(&out).EncodeElement(doc, xml.StartElement{Name: xml.Name{Local: k.element}}); err != nil {
		return internal(err)
	}
	conf := trustgate.BucketConfiguration{Kind: k.subresource, ID: id, Document: out.String()}
	if err := s.store.PutBucketConfiguration(ctx, b.Account, b.Name, conf, maxIDConfigurations); err != nil {
		if errors.Is(err, trustgate.ErrLimit) {
			return errorf(http.StatusBadRequest, "TooManyConfigurations",
				"You are attempting to create a new configuration but have already reached the %d-configuration limit.", maxIDConfigurations)
		}
		return storeError(err, c)
	}
	return writeEmpty(w, c, http.StatusOK)
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
type configurationFilter struct {
	Prefix         *string           `xml:",omitempty"`
	Tag            *trustgate.Tag    `xml:",omitempty"`
	AccessPointArn *string           `xml:",omitempty"`
	And            *configurationAnd `xml:",omitempty"`
	Unknown        []unknownElement  `xml:",any"`
}

type configurationAnd struct {
	Prefix         *string          `xml:",omitempty"`
	Tags           []trustgate.Tag  `xml:"Tag"`
	AccessPointArn *string          `xml:",omitempty"`
	Unknown        []unknownElement `xml:",any"`
}

// check refuses a filter of no condition or of several beside each
// other, an And of fewer than two, an empty tag key, and an access
// point where the kind has none.
func (f *configurationFilter) check(accessPoints bool) *Error {
	if f == nil {
		return nil
	}
	if !known(f.Unknown) || countSet(f.Prefix != nil, f.Tag != nil, f.AccessPointArn != nil, f.And != nil) != 1 {
		return malformedXML()
	}
	tags, accessPoint := []trustgate.Tag{}, f.AccessPointArn
	if f.Tag != nil {
		tags = append(tags, *f.Tag)
	}
	if a := f.And; a != nil {
		if !known(a.Unknown) || len(a.Tags)+countSet(a.Prefix != nil, a.AccessPointArn != nil) < 2 {
			return malformedXML()
		}
		tags, accessPoint = a.Tags, a.AccessPointArn
	}
	for _, t := range tags {
		if t.Key == "" {
			return malformedXML()
		}
	}
	if accessPoint != nil && (!accessPoints || *accessPoint == "") {
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
	return checkExportDestination(dest.Bucket, "BucketAccountId", dest.BucketAccountId)
}

// checkExportDestination requires the bucket a report goes to to be
// named by its ARN, and its account, when given, by twelve digits.
func checkExportDestination(bucket, accountElement, account string) *Error {
	if name, ok := strings.CutPrefix(bucket, "arn:aws:s3:::"); !ok || name == "" || strings.Contains(name, "/") {
		return errorf(http.StatusBadRequest, "InvalidArgument", "The destination bucket must be named by its ARN, arn:aws:s3:::BUCKET, not %q", bucket).
			with("ArgumentName", "Bucket").with("ArgumentValue", bucket)
	}
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
		Prefix  *string
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
	if f := d.Filter; f != nil && (!known(f.Unknown) || f.Prefix == nil) {
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
	return checkExportDestination(dest.Bucket, "AccountId", dest.AccountId)
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
	seen := map[string]bool{}
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
		case seen[t.AccessTier]:
			return invalid("The %s tier is named by more than one Tiering: name each tier once.", t.AccessTier)
		case days < bounds[0]:
			return invalid("Days specified in %s tier should not be less than %d", t.AccessTier, bounds[0])
		case days > bounds[1]:
			return invalid("Days specified in %s tier should not be more than %d", t.AccessTier, bounds[1])
		}
		seen[t.AccessTier] = true
	}
	return nil
}
