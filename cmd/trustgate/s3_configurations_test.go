package main

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Note 88: a bucket keeps its analytics, inventory, metrics and
// Intelligent-Tiering configurations by ID, each read back as it was
// put, checked as S3 checks it.
func TestS3BucketIDConfigurations(t *testing.T) {
	ts, c, bucket := withBucket(t, "audited")
	ctx := t.Context()
	account := ts.Root.AccountId

	metrics := &s3types.MetricsConfiguration{Id: aws.String("Documents"), Filter: &s3types.MetricsFilterMemberAnd{Value: s3types.MetricsAndOperator{
		Prefix: aws.String("documents/"), Tags: []s3types.Tag{{Key: aws.String("class"), Value: aws.String("blue")}}}}}
	if _, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: bucket, Id: metrics.Id, MetricsConfiguration: metrics}); err != nil {
		t.Fatalf("PutBucketMetricsConfiguration: %v", err)
	}
	gotMetrics, err := c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: bucket, Id: metrics.Id})
	if err != nil || !reflect.DeepEqual(gotMetrics.MetricsConfiguration, metrics) {
		t.Errorf("GetBucketMetricsConfiguration = %+v, %v; want %+v", gotMetrics, err, metrics)
	}

	inventory := &s3types.InventoryConfiguration{Id: aws.String("weekly-audit"), IsEnabled: aws.Bool(true),
		IncludedObjectVersions: s3types.InventoryIncludedObjectVersionsCurrent,
		Schedule:               &s3types.InventorySchedule{Frequency: s3types.InventoryFrequencyWeekly},
		Filter:                 &s3types.InventoryFilter{Prefix: aws.String("documents/")},
		OptionalFields:         []s3types.InventoryOptionalField{s3types.InventoryOptionalFieldSize, s3types.InventoryOptionalFieldEncryptionStatus},
		Destination: &s3types.InventoryDestination{S3BucketDestination: &s3types.InventoryS3BucketDestination{
			AccountId: aws.String("222222222222"), Bucket: aws.String("arn:aws:s3:::security-inventories"), Format: s3types.InventoryFormatParquet,
			Prefix:     aws.String("audited"),
			Encryption: &s3types.InventoryEncryption{SSEKMS: &s3types.SSEKMS{KeyId: aws.String("arn:aws:kms:us-east-1:222222222222:key/inventory")}}}}}
	if _, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{Bucket: bucket, Id: inventory.Id, InventoryConfiguration: inventory}); err != nil {
		t.Fatalf("PutBucketInventoryConfiguration: %v", err)
	}
	gotInventory, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: bucket, Id: inventory.Id})
	if err != nil || !reflect.DeepEqual(gotInventory.InventoryConfiguration, inventory) {
		t.Errorf("GetBucketInventoryConfiguration = %+v, %v; want %+v", gotInventory, err, inventory)
	}

	analytics := &s3types.AnalyticsConfiguration{Id: aws.String("cold"), Filter: &s3types.AnalyticsFilterMemberPrefix{Value: "archive/"},
		StorageClassAnalysis: &s3types.StorageClassAnalysis{DataExport: &s3types.StorageClassAnalysisDataExport{
			OutputSchemaVersion: s3types.StorageClassAnalysisSchemaVersionV1,
			Destination: &s3types.AnalyticsExportDestination{S3BucketDestination: &s3types.AnalyticsS3BucketDestination{
				Format: s3types.AnalyticsS3ExportFileFormatCsv, Bucket: aws.String("arn:aws:s3:::security-inventories"), BucketAccountId: aws.String("222222222222")}}}}}
	if _, err := c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: bucket, Id: analytics.Id, AnalyticsConfiguration: analytics}); err != nil {
		t.Fatalf("PutBucketAnalyticsConfiguration: %v", err)
	}
	analyses, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: bucket})
	if err != nil || len(analyses.AnalyticsConfigurationList) != 1 || !reflect.DeepEqual(&analyses.AnalyticsConfigurationList[0], analytics) {
		t.Errorf("ListBucketAnalyticsConfigurations = %+v, %v; want the one put", analyses, err)
	}

	tiering := &s3types.IntelligentTieringConfiguration{Id: aws.String("archive"), Status: s3types.IntelligentTieringStatusEnabled,
		Tierings: []s3types.Tiering{{AccessTier: s3types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(90)},
			{AccessTier: s3types.IntelligentTieringAccessTierDeepArchiveAccess, Days: aws.Int32(180)}}}
	if _, err := c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: bucket, Id: tiering.Id, IntelligentTieringConfiguration: tiering}); err != nil {
		t.Fatalf("PutBucketIntelligentTieringConfiguration: %v", err)
	}
	gotTiering, err := c.GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: bucket, Id: tiering.Id})
	if err != nil || !reflect.DeepEqual(gotTiering.IntelligentTieringConfiguration, tiering) {
		t.Errorf("GetBucketIntelligentTieringConfiguration = %+v, %v; want %+v", gotTiering, err, tiering)
	}
	// A write replaces the whole configuration of its ID.
	tiering.Tierings = tiering.Tierings[1:]
	tiering.Status = s3types.IntelligentTieringStatusDisabled
	if _, err := c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: bucket, Id: tiering.Id, IntelligentTieringConfiguration: tiering}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: bucket, Id: tiering.Id}); err != nil ||
		!reflect.DeepEqual(got.IntelligentTieringConfiguration, tiering) {
		t.Errorf("GetBucketIntelligentTieringConfiguration after a write = %+v, %v; want %+v", got, err, tiering)
	}
	_, err = c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: bucket, Id: aws.String("soon"),
		IntelligentTieringConfiguration: &s3types.IntelligentTieringConfiguration{Id: aws.String("soon"), Status: s3types.IntelligentTieringStatusEnabled,
			Tierings: []s3types.Tiering{{AccessTier: s3types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(30)}}}})
	wantAPIError(t, "PutBucketIntelligentTieringConfiguration of 30 days", err, "InvalidArgument", "Days specified in ARCHIVE_ACCESS tier should not be less than 90.")

	// Each kind is its own: a metrics ID names no inventory.
	_, err = c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: bucket, Id: metrics.Id})
	wantAPIError(t, "GetBucketInventoryConfiguration of a metrics ID", err, "NoSuchConfiguration", "The specified configuration does not exist.")
	if _, err := c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: bucket, Id: inventory.Id}); err != nil {
		t.Fatalf("DeleteBucketInventoryConfiguration: %v", err)
	}
	_, err = c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: bucket, Id: inventory.Id})
	wantAPIError(t, "GetBucketInventoryConfiguration once removed", err, "NoSuchConfiguration", "")
	_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: bucket, Id: inventory.Id})
	wantAPIError(t, "DeleteBucketInventoryConfiguration again", err, "NoSuchConfiguration", "")

	// Documents S3 refuses, sent as they are.
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	const xmlns = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	inventoryOf := func(id, destination string) string {
		return `<InventoryConfiguration` + xmlns + `><Id>` + id + `</Id><IsEnabled>true</IsEnabled><IncludedObjectVersions>All</IncludedObjectVersions>` +
			`<Schedule><Frequency>Daily</Frequency></Schedule><Destination><S3BucketDestination><Bucket>` + destination +
			`</Bucket><Format>CSV</Format></S3BucketDestination></Destination></InventoryConfiguration>`
	}
	for _, bad := range []struct {
		what, query, body, code, msg string
	}{
		{"an Id the query does not name", "metrics&id=other", `<MetricsConfiguration` + xmlns + `><Id>Documents</Id></MetricsConfiguration>`, "MalformedXML", "published schema"},
		{"an Id of a space", "metrics&id=my%20id", `<MetricsConfiguration` + xmlns + `><Id>my id</Id></MetricsConfiguration>`, "MalformedXML", ""},
		{"an Id of 65 characters", "metrics&id=" + strings.Repeat("a", 65), `<MetricsConfiguration` + xmlns + `><Id>` + strings.Repeat("a", 65) + `</Id></MetricsConfiguration>`, "MalformedXML", ""},
		{"a filter of a prefix and a tag", "metrics&id=both", `<MetricsConfiguration` + xmlns + `><Id>both</Id><Filter><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter></MetricsConfiguration>`, "MalformedXML", ""},
		{"an empty filter", "metrics&id=empty", `<MetricsConfiguration` + xmlns + `><Id>empty</Id><Filter></Filter></MetricsConfiguration>`, "MalformedXML", ""},
		{"an And of one condition", "metrics&id=one", `<MetricsConfiguration` + xmlns + `><Id>one</Id><Filter><And><Prefix>a/</Prefix></And></Filter></MetricsConfiguration>`, "MalformedXML", ""},
		{"an element S3 does not know", "metrics&id=odd", `<MetricsConfiguration` + xmlns + `><Id>odd</Id><Color>red</Color></MetricsConfiguration>`, "MalformedXML", ""},
		{"an access point in an analytics filter", "analytics&id=ap", `<AnalyticsConfiguration` + xmlns + `><Id>ap</Id><Filter><AccessPointArn>arn:aws:s3:us-east-1:` + account + `:accesspoint/reports</AccessPointArn></Filter><StorageClassAnalysis/></AnalyticsConfiguration>`, "MalformedXML", ""},
		{"no StorageClassAnalysis", "analytics&id=none", `<AnalyticsConfiguration` + xmlns + `><Id>none</Id></AnalyticsConfiguration>`, "MalformedXML", ""},
		{"an inventory without its schedule", "inventory&id=daily", strings.Replace(inventoryOf("daily", "arn:aws:s3:::reports"), "<Schedule><Frequency>Daily</Frequency></Schedule>", "", 1), "MalformedXML", ""},
		{"an inventory to a bucket's name", "inventory&id=daily", inventoryOf("daily", "reports"), "InvalidS3DestinationBucket", "Invalid bucket ARN."},
		{"an inventory Id the query does not name", "inventory&id=other", inventoryOf("daily", "reports"), "IdMismatch", "Document ID does not match the specified configuration ID."},
		{"an analytics export to a bucket's name", "analytics&id=export", `<AnalyticsConfiguration` + xmlns + `><Id>export</Id><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion>` +
			`<Destination><S3BucketDestination><Format>CSV</Format><Bucket>reports</Bucket></S3BucketDestination></Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>`, "InvalidArgument", "arn:aws:s3:::BUCKET"},
		{"a prefix given twice", "metrics&id=twice", `<MetricsConfiguration` + xmlns + `><Id>twice</Id><Filter><Prefix>a/</Prefix><Prefix>b/</Prefix></Filter></MetricsConfiguration>`, "MalformedXML", ""},
		{"a tag without its value", "metrics&id=novalue", `<MetricsConfiguration` + xmlns + `><Id>novalue</Id><Filter><Tag><Key>k</Key></Tag></Filter></MetricsConfiguration>`, "MalformedXML", ""},
		{"deep archive no later than archive", "intelligent-tiering&id=early", `<IntelligentTieringConfiguration` + xmlns + `><Id>early</Id><Status>Enabled</Status>` +
			`<Tiering><Days>400</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>200</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`, "InvalidArgument", "greater than days specified in ARCHIVE_ACCESS"},
		{"a metrics document for an inventory", "inventory&id=Documents", `<MetricsConfiguration` + xmlns + `><Id>Documents</Id></MetricsConfiguration>`, "MalformedXML", ""},
		{"two tierings of one tier", "intelligent-tiering&id=twice", `<IntelligentTieringConfiguration` + xmlns + `><Id>twice</Id><Status>Enabled</Status>` +
			`<Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>100</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`, "InvalidArgument", "more than one Tiering"},
		{"a tiering of 731 days", "intelligent-tiering&id=late", `<IntelligentTieringConfiguration` + xmlns + `><Id>late</Id><Status>Enabled</Status>` +
			`<Tiering><Days>731</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`, "InvalidArgument", "should not be more than 730"},
		{"no tiering", "intelligent-tiering&id=none", `<IntelligentTieringConfiguration` + xmlns + `><Id>none</Id><Status>Enabled</Status></IntelligentTieringConfiguration>`, "MalformedXML", ""},
		{"no document", "metrics&id=Documents", "", "MissingRequestBodyError", ""},
	} {
		status, body := ts.send(t, root, "s3", http.MethodPut, "/audited?"+bad.query, "application/xml", bad.body)
		if status != http.StatusBadRequest || !strings.Contains(body, "<Code>"+bad.code+"</Code>") || !strings.Contains(body, bad.msg) {
			t.Errorf("PUT ?%s of %s = %d %s; want 400 %s %q", bad.query, bad.what, status, body, bad.code, bad.msg)
		}
	}
	if status, body := ts.send(t, root, "s3", http.MethodGet, "/audited?metrics&continuation-token=bogus", "", ""); status != http.StatusBadRequest || !strings.Contains(body, "The continuation token provided is incorrect") {
		t.Errorf("ListBucketMetricsConfigurations of a token never given = %d %s; want InvalidArgument", status, body)
	}
	// A write answers 204, as S3 does; one without an ID, or a removal
	// without one, is refused, never taken for CreateBucket or DeleteBucket.
	if status, body := ts.send(t, root, "s3", http.MethodPut, "/audited?metrics&id=EntireBucket", "application/xml",
		`<MetricsConfiguration`+xmlns+`><Id>EntireBucket</Id></MetricsConfiguration>`); status != http.StatusNoContent || body != "" {
		t.Errorf("PutBucketMetricsConfiguration = %d %s; want 204", status, body)
	}
	for _, method := range []string{http.MethodPut, http.MethodDelete} {
		if status, body := ts.send(t, root, "s3", method, "/audited?metrics", "application/xml",
			`<MetricsConfiguration`+xmlns+`><Id>EntireBucket</Id></MetricsConfiguration>`); status != http.StatusBadRequest || !strings.Contains(body, "<Code>InvalidArgument</Code>") {
			t.Errorf("%s ?metrics without an id = %d %s; want InvalidArgument", method, status, body)
		}
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket}); err != nil {
		t.Errorf("HeadBucket after a removal without an id: %v", err)
	}
	// What was refused changed nothing.
	if got, err := c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: bucket, Id: metrics.Id}); err != nil || !reflect.DeepEqual(got.MetricsConfiguration, metrics) {
		t.Errorf("GetBucketMetricsConfiguration after refused writes = %+v, %v; want %+v", got, err, metrics)
	}

	// A listing gives 100 configurations a page, by ID; a bucket has at
	// most 1,000 of a kind.
	for i := range 101 {
		id := aws.String(fmt.Sprintf("prefix-%03d", i))
		if _, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: bucket, Id: id,
			MetricsConfiguration: &s3types.MetricsConfiguration{Id: id, Filter: &s3types.MetricsFilterMemberPrefix{Value: fmt.Sprintf("%03d/", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: bucket})
	if err != nil || len(first.MetricsConfigurationList) != 100 || !aws.ToBool(first.IsTruncated) || first.NextContinuationToken == nil ||
		aws.ToString(first.MetricsConfigurationList[0].Id) != "Documents" || aws.ToString(first.MetricsConfigurationList[99].Id) != "prefix-097" {
		t.Fatalf("ListBucketMetricsConfigurations first page = %d configurations, truncated %v, %v; want Documents to prefix-097, truncated",
			len(first.MetricsConfigurationList), aws.ToBool(first.IsTruncated), err)
	}
	second, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: bucket, ContinuationToken: first.NextContinuationToken})
	if err != nil || len(second.MetricsConfigurationList) != 3 || aws.ToBool(second.IsTruncated) || aws.ToString(second.ContinuationToken) != aws.ToString(first.NextContinuationToken) ||
		aws.ToString(second.MetricsConfigurationList[2].Id) != "prefix-100" {
		t.Errorf("ListBucketMetricsConfigurations second page = %+v, %v; want prefix-098 to prefix-100", second, err)
	}
	for i := 101; i < 998; i++ { // Documents, EntireBucket and 998 more
		id := aws.String(fmt.Sprintf("prefix-%03d", i))
		if _, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: bucket, Id: id,
			MetricsConfiguration: &s3types.MetricsConfiguration{Id: id}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: bucket, Id: aws.String("one-more"),
		MetricsConfiguration: &s3types.MetricsConfiguration{Id: aws.String("one-more")}})
	wantAPIError(t, "PutBucketMetricsConfiguration of a 1,001st", err, "TooManyConfigurations", "already reached the 1,000-configuration limit.")
	if _, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: bucket, Id: aws.String("prefix-500"),
		MetricsConfiguration: &s3types.MetricsConfiguration{Id: aws.String("prefix-500")}}); err != nil {
		t.Errorf("PutBucketMetricsConfiguration replacing one at the limit: %v", err)
	}

	// Each call is authorized with its action: a user who may read the
	// metrics configurations may not change them.
	ts.userAllowed(t, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetMetricsConfiguration","Resource":"arn:aws:s3:::audited"}]}`)
	auditor := ts.userS3(t, "auditor")
	if _, err := auditor.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: bucket, Id: metrics.Id}); err != nil {
		t.Errorf("GetBucketMetricsConfiguration allowed: %v", err)
	}
	_, err = auditor.DeleteBucketMetricsConfiguration(ctx, &s3.DeleteBucketMetricsConfigurationInput{Bucket: bucket, Id: metrics.Id})
	wantAPIError(t, "DeleteBucketMetricsConfiguration without s3:PutMetricsConfiguration", err, "AccessDenied", "s3:PutMetricsConfiguration")
	_, err = auditor.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: bucket})
	wantAPIError(t, "ListBucketAnalyticsConfigurations without s3:GetAnalyticsConfiguration", err, "AccessDenied", "s3:GetAnalyticsConfiguration")

	// The configurations go with their bucket.
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket}); err != nil {
		t.Fatalf("DeleteBucket with configurations: %v", err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: bucket}); err != nil || len(l.MetricsConfigurationList) != 0 {
		t.Errorf("ListBucketMetricsConfigurations of the bucket made again = %d configurations, %v; want none", len(l.MetricsConfigurationList), err)
	}
}
