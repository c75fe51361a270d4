package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
)

// objectAttributes are the attributes GetObjectAttributes can answer
// with, as x-amz-object-attributes names them.
var objectAttributes = setOf("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")

// getObjectAttributes answers what x-amz-object-attributes asks of an
// object without its body. The caller needs both s3:GetObject and
// s3:GetObjectAttributes (their version actions when it names the
// version), as S3 asks (note 65).
func (s *Service) getObjectAttributes(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	asked, err := askedAttributes(c.Request.Header)
	if err != nil {
		return err
	}
	maxParts, err := parseCount("x-amz-max-parts", c.Request.Header.Get("x-amz-max-parts"), 1000)
	if err != nil {
		return err
	}
	marker, err := parseCount("x-amz-part-number-marker", c.Request.Header.Get("x-amz-part-number-marker"), 0)
	if err != nil {
		return err
	}
	b, o, err := s.objectFor(ctx, c, "s3:GetObjectAttributes")
	if err != nil {
		return err
	}
	version, named, _ := versionNamed(c) // objectFor refused any other version
	action, keys := forVersion("s3:GetObject", objectKeys(o), named, version)
	if err := s.authorize(ctx, c, action, b.ARN()+"/"+c.key, b, keys); err != nil {
		return err
	}
	type part struct {
		PartNumber int
		Size       int64
		checksumElements
	}
	type objectParts struct {
		PartsCount           int
		PartNumberMarker     int
		NextPartNumberMarker int
		MaxParts             int
		IsTruncated          bool
		Part                 []part
	}
	type objectChecksum struct {
		checksumElements
		ChecksumType string
	}
	out := struct {
		XMLName      xml.Name        `xml:"GetObjectAttributesResponse"`
		Xmlns        string          `xml:"xmlns,attr"`
		ETag         string          `xml:",omitempty"`
		Checksum     *objectChecksum `xml:",omitempty"`
		ObjectParts  *objectParts    `xml:",omitempty"`
		StorageClass string          `xml:",omitempty"`
		ObjectSize   *int64          `xml:",omitempty"`
	}{Xmlns: Namespace}
	alg, value, typ := storedChecksum(o.Headers)
	if asked["ETag"] {
		out.ETag = strings.Trim(o.ETag, `"`) // unquoted here, unlike everywhere else
	}
	if asked["Checksum"] && alg != nil {
		if typ == composite {
			// Here alone S3 leaves off a composite checksum's "-N" part count.
			value, _, _ = strings.Cut(value, "-")
		}
		out.Checksum = &objectChecksum{checksumElementsOf(alg, value), typ}
	}
	if asked["ObjectParts"] && len(o.PartSizes) > 0 {
		parts := &objectParts{PartsCount: len(o.PartSizes), PartNumberMarker: marker, MaxParts: min(maxParts, 1000)}
		if len(o.PartChecksums) == len(o.PartSizes) {
			// S3 lists the parts only of an upload that had checksums.
			for i := marker; i < len(o.PartSizes); i++ {
				if len(parts.Part) == parts.MaxParts {
					parts.IsTruncated = true
					break
				}
				parts.Part = append(parts.Part, part{PartNumber: i + 1, Size: o.PartSizes[i], checksumElements: checksumElementsOf(alg, o.PartChecksums[i])})
				parts.NextPartNumberMarker = i + 1
			}
		}
		out.ObjectParts = parts
	}
	if asked["StorageClass"] {
		out.StorageClass = storageClass(o.Headers)
	}
	if asked["ObjectSize"] {
		out.ObjectSize = &o.Size
	}
	w.Header().Set("Last-Modified", httpTime(o.LastModified))
	setVersion(w.Header(), b, o)
	return writeXML(w, c, http.StatusOK, out)
}

// askedAttributes reads x-amz-object-attributes: one or more attribute
// names, comma-separated (in one header or several).
func askedAttributes(h http.Header) (map[string]bool, *Error) {
	asked := map[string]bool{}
	for _, v := range h.Values("x-amz-object-attributes") {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if !objectAttributes[name] {
				return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid attribute name specified.").
					with("ArgumentName", "x-amz-object-attributes").with("ArgumentValue", name)
			}
			asked[name] = true
		}
	}
	if len(asked) == 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	return asked, nil
}
