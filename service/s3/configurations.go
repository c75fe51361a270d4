package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
)

// The configurations a bucket keeps by ID that trustgate does not serve:
// its analytics, inventory, metrics and Intelligent-Tiering
// configurations (note 88). A bucket has none: its listing of each is
// empty, a read or a removal by ID finds nothing, and a write is
// NotImplemented. So tools that list every configuration of a bucket,
// as audits do, read what S3 answers for a bucket that never had one.

// idFamily is a family of configurations: the subresource that names
// it, the document of a listing, the element of one configuration, and
// the actions that read and change them.
type idFamily struct {
	subresource, listing, element, read, change string
}

// idConfigurations are the families, in the order a query naming several
// is taken in.
var idConfigurations = []idFamily{
	{"analytics", "ListBucketAnalyticsConfigurationResult", "AnalyticsConfiguration", "s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration"},
	{"inventory", "ListInventoryConfigurationsResult", "InventoryConfiguration", "s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration"},
	{"metrics", "ListMetricsConfigurationsResult", "MetricsConfiguration", "s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration"},
	{"intelligent-tiering", "ListBucketIntelligentTieringConfigurationsOutput", "IntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"},
}

// namesIDConfiguration reports whether a request's query names one of
// the families.
func namesIDConfiguration(q url.Values) bool {
	_, ok := idConfigurationOf(q)
	return ok
}

func idConfigurationOf(q url.Values) (idFamily, bool) {
	for _, f := range idConfigurations {
		if _, ok := q[f.subresource]; ok {
			return f, true
		}
	}
	return idFamily{}, false
}

// idConfiguration answers the calls on a family of configurations by
// ID: a listing (GET without an id), a read or a removal by id, once the
// caller may make them.
func (s *Service) idConfiguration(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	f, _ := idConfigurationOf(c.query)
	action := f.read
	if c.Request.Method != http.MethodGet {
		action = f.change // S3 authorizes a removal with the action that sets
	}
	if _, err := s.bucketAllowed(ctx, c, action); err != nil {
		return err
	}
	id, named := c.query["id"]
	switch {
	case c.Request.Method == http.MethodGet && !named:
		out := struct {
			XMLName     xml.Name
			Xmlns       string `xml:"xmlns,attr"`
			IsTruncated bool
		}{XMLName: xml.Name{Local: f.listing}, Xmlns: Namespace}
		return writeXML(w, c, http.StatusOK, out)
	case !named || id[0] == "":
		return errorf(http.StatusBadRequest, "InvalidArgument", "The %s ID is missing: name the configuration with ?id=", f.element).
			with("ArgumentName", "id").with("ArgumentValue", "")
	}
	return errorf(http.StatusNotFound, "NoSuchConfiguration", "The specified configuration does not exist.")
}
