package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// replicationTrust lets S3 assume a role, as a replication role's trust
// policy does.
const replicationTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// versionedBucket makes a bucket with versioning enabled.
func versionedBucket(t *testing.T, c *s3.Client, name string) *string {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket(%s): %v", name, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("PutBucketVersioning(%s): %v", name, err)
	}
	return aws.String(name)
}

// replicationRole makes a role S3 may assume, with the policy given, and
// returns its ARN.
func (ts *testServer) replicationRole(t *testing.T, iamc *iam.Client, name, permissions string) string {
	t.Helper()
	ctx := t.Context()
	role, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(replicationTrust)})
	if err != nil {
		t.Fatal(err)
	}
	if permissions != "" {
		if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("replicate"),
			PolicyDocument: aws.String(permissions)}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(role.Role.Arn)
}

// TestS3ReplicationConfiguration puts a bucket's replication
// configuration with the SDK, reads it back as it was put, with the ID S3
// gives a rule that had none, and removes it (note 80).
func TestS3ReplicationConfiguration(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	source := versionedBucket(t, c, "photos")
	versionedBucket(t, c, "photos-copy")
	role := ts.replicationRole(t, ts.rootIAM(), "replication", "")

	_, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source})
	wantAPIError(t, "GetBucketReplication before any", err, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
	if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: source, ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role), Rules: []s3types.ReplicationRule{
			{ID: aws.String("raw"), Priority: aws.Int32(2), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("raw/")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-copy"), StorageClass: s3types.StorageClassStandardIa}},
			{Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusDisabled,
				Filter: &s3types.ReplicationRuleFilter{And: &s3types.ReplicationRuleAndOperator{Prefix: aws.String("edited/"),
					Tags: []s3types.Tag{{Key: aws.String("keep"), Value: aws.String("yes")}}}},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-copy")}},
			{ID: aws.String("timed"), Priority: aws.Int32(3), Status: s3types.ReplicationRuleStatusEnabled, Filter: &s3types.ReplicationRuleFilter{},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				SourceSelectionCriteria: &s3types.SourceSelectionCriteria{ReplicaModifications: &s3types.ReplicaModifications{Status: s3types.ReplicaModificationsStatusEnabled}},
				Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-copy"), Account: aws.String(ts.Root.AccountId),
					AccessControlTranslation: &s3types.AccessControlTranslation{Owner: s3types.OwnerOverrideDestination},
					ReplicationTime:          &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
					Metrics:                  &s3types.Metrics{Status: s3types.MetricsStatusEnabled, EventThreshold: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}}},
		}}}); err != nil {
		t.Fatalf("PutBucketReplication: %v", err)
	}
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source})
	if err != nil {
		t.Fatal(err)
	}
	conf := got.ReplicationConfiguration
	if aws.ToString(conf.Role) != role || len(conf.Rules) != 3 {
		t.Fatalf("GetBucketReplication = %+v; want the role and three rules", conf)
	}
	raw, edited, timed := conf.Rules[0], conf.Rules[1], conf.Rules[2]
	if aws.ToString(raw.ID) != "raw" || aws.ToInt32(raw.Priority) != 2 || raw.Status != s3types.ReplicationRuleStatusEnabled ||
		raw.Filter == nil || aws.ToString(raw.Filter.Prefix) != "raw/" || raw.Prefix != nil ||
		raw.DeleteMarkerReplication == nil || raw.DeleteMarkerReplication.Status != s3types.DeleteMarkerReplicationStatusEnabled ||
		aws.ToString(raw.Destination.Bucket) != "arn:aws:s3:::photos-copy" || raw.Destination.StorageClass != s3types.StorageClassStandardIa {
		t.Errorf("first rule read back = %+v", raw)
	}
	if aws.ToString(edited.ID) == "" || edited.Status != s3types.ReplicationRuleStatusDisabled || edited.Filter == nil || edited.Filter.And == nil ||
		aws.ToString(edited.Filter.And.Prefix) != "edited/" || len(edited.Filter.And.Tags) != 1 || aws.ToString(edited.Filter.And.Tags[0].Key) != "keep" {
		t.Errorf("second rule read back = %+v; want an ID given by S3 and its And filter", edited)
	}
	if d := timed.Destination; timed.SourceSelectionCriteria == nil || timed.SourceSelectionCriteria.ReplicaModifications == nil ||
		timed.SourceSelectionCriteria.SseKmsEncryptedObjects != nil || aws.ToString(d.Account) != ts.Root.AccountId ||
		d.AccessControlTranslation == nil || d.ReplicationTime == nil || aws.ToInt32(d.ReplicationTime.Time.Minutes) != 15 ||
		d.Metrics == nil || d.Metrics.EventThreshold == nil || d.Metrics.Status != s3types.MetricsStatusEnabled {
		t.Errorf("third rule read back = %+v, destination %+v", timed, d)
	}

	// A rule of the first schema: a prefix, no priority, no delete marker
	// replication, read back as put.
	if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: source, ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role), Rules: []s3types.ReplicationRule{{ID: aws.String("everything"), Prefix: aws.String(""), Status: s3types.ReplicationRuleStatusEnabled,
			Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-copy")}}}}}); err != nil {
		t.Fatalf("PutBucketReplication of a legacy rule: %v", err)
	}
	if got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source}); err != nil || len(got.ReplicationConfiguration.Rules) != 1 ||
		got.ReplicationConfiguration.Rules[0].Prefix == nil || got.ReplicationConfiguration.Rules[0].Filter != nil || got.ReplicationConfiguration.Rules[0].Priority != nil ||
		got.ReplicationConfiguration.Rules[0].DeleteMarkerReplication != nil {
		t.Errorf("GetBucketReplication of a legacy rule = %+v, %v", got, err)
	}

	// While the configuration stands, the source stays versioned.
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: source,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	wantAPIError(t, "PutBucketVersioning Suspended under a replication configuration", err, "InvalidBucketState", "first delete the replication configuration")

	if _, err := c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: source}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source})
	wantAPIError(t, "GetBucketReplication after DeleteBucketReplication", err, "ReplicationConfigurationNotFoundError", "")
	if _, err := c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: source}); err != nil {
		t.Errorf("DeleteBucketReplication of a bucket without one: %v", err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: source,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}}); err != nil {
		t.Errorf("PutBucketVersioning Suspended once the configuration is gone: %v", err)
	}
}

// TestS3ReplicationConfigurationRefused sends configurations S3 refuses
// and checks each is refused with S3's code and message, and that none
// is kept (note 80).
func TestS3ReplicationConfigurationRefused(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	versionedBucket(t, c, "source")
	versionedBucket(t, c, "copy")
	versionedBucket(t, c, "other-copy")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("unversioned")}); err != nil {
		t.Fatal(err)
	}
	role := ts.replicationRole(t, ts.rootIAM(), "replication", "")
	dest := func(bucket string) string { return `<Destination><Bucket>` + bucket + `</Bucket></Destination>` }
	current := func(inner string) string {
		return `<Rule><Status>Enabled</Status><Filter/><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>` + inner + `</Rule>`
	}
	creds := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	for _, tc := range []struct {
		what, bucket, rules string
		code, msg           string
	}{
		{"no rule", "source", ``, "MalformedXML", ""},
		{"a rule without a destination", "source", `<Rule><Status>Enabled</Status><Filter/><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>`, "MalformedXML", ""},
		{"a status S3 does not know", "source", `<Rule><Status>On</Status><Prefix/>` + dest("arn:aws:s3:::copy") + `</Rule>`, "MalformedXML", ""},
		{"a rule with a Filter and no DeleteMarkerReplication", "source", `<Rule><Status>Enabled</Status><Filter/>` + dest("arn:aws:s3:::copy") + `</Rule>`,
			"InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema."},
		{"a legacy rule with a Priority", "source", `<Rule><Priority>1</Priority><Status>Enabled</Status><Prefix/>` + dest("arn:aws:s3:::copy") + `</Rule>`,
			"InvalidRequest", "Priority cannot be used for this version of Cross Region Replication configuration schema."},
		{"legacy rules to two buckets", "source", `<Rule><Status>Enabled</Status><Prefix>a/</Prefix>` + dest("arn:aws:s3:::copy") + `</Rule>` +
			`<Rule><Status>Enabled</Status><Prefix>b/</Prefix>` + dest("arn:aws:s3:::other-copy") + `</Rule>`,
			"InvalidRequest", "Number of distinct destination bucket ARNs cannot exceed 1"},
		{"two rules of one priority", "source", current(dest("arn:aws:s3:::copy")) + current(dest("arn:aws:s3:::other-copy")), "InvalidRequest", "priority"},
		{"an empty SourceSelectionCriteria", "source", current(`<SourceSelectionCriteria/>` + dest("arn:aws:s3:::copy")), "InvalidRequest", "SourceSelectionCriteria cannot be empty"},
		{"a destination named without its ARN", "source", current(dest("copy")), "InvalidArgument", ""},
		{"a destination that does not exist", "source", current(dest("arn:aws:s3:::nowhere")), "InvalidRequest", "Destination bucket must have versioning enabled."},
		{"a destination without versioning", "source", current(dest("arn:aws:s3:::unversioned")), "InvalidRequest", "Destination bucket must have versioning enabled."},
		{"a Filter beside a rule without one", "source", current(dest("arn:aws:s3:::copy")) + `<Rule><Status>Enabled</Status>` + dest("arn:aws:s3:::copy") + `</Rule>`,
			"InvalidRequest", "Filter cannot be used for this version of Cross Region Replication configuration schema."},
		{"delete markers replicated under a tag filter", "source", `<Rule><Status>Enabled</Status><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>` +
			dest("arn:aws:s3:::copy") + `</Rule>`, "InvalidRequest", "Delete marker replication is not supported if any Tag filter is specified."},
		{"an owner override without an account", "source", current(`<Destination><Bucket>arn:aws:s3:::copy</Bucket><AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation></Destination>`),
			"InvalidRequest", "element must be specified"},
		{"an account that does not own the destination", "source", current(`<Destination><Bucket>arn:aws:s3:::copy</Bucket><Account>999999999999</Account></Destination>`),
			"InvalidArgument", "must match the destination bucket owner"},
		{"a replication time without metrics", "source", current(`<Destination><Bucket>arn:aws:s3:::copy</Bucket><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime></Destination>`),
			"InvalidRequest", "must contain both ReplicationTime and Metrics, or neither."},
		{"the source as its own destination", "source", current(dest("arn:aws:s3:::source")), "InvalidRequest", "Destination bucket cannot be the same as the source bucket."},
		{"a legacy rule without a prefix", "source", `<Rule><Status>Enabled</Status>` + dest("arn:aws:s3:::copy") + `</Rule>`, "MalformedXML", ""},
		{"a tag filter without a key", "source", `<Rule><Status>Enabled</Status><Filter><Tag/></Filter><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>` +
			dest("arn:aws:s3:::copy") + `</Rule>`, "MalformedXML", ""},
		{"a source without versioning", "unversioned", current(dest("arn:aws:s3:::copy")), "InvalidRequest", "on the bucket to apply a replication configuration"},
	} {
		body := `<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>` + role + `</Role>` + tc.rules + `</ReplicationConfiguration>`
		status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPut, "/"+tc.bucket+"?replication", http.Header{"Content-Md5": {md5Base64(body)}}, body)
		if status != http.StatusBadRequest || !strings.Contains(answer, "<Code>"+tc.code+"</Code>") || !strings.Contains(answer, tc.msg) {
			t.Errorf("PutBucketReplication with %s = %d %s; want 400 %s %q", tc.what, status, answer, tc.code, tc.msg)
		}
	}
	good := `<ReplicationConfiguration><Role>` + role + `</Role>` + current(dest("arn:aws:s3:::copy")) + `</ReplicationConfiguration>`
	status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPut, "/source?replication", nil, good)
	if status != http.StatusBadRequest || !strings.Contains(answer, "Content-MD5") {
		t.Errorf("PutBucketReplication without a digest = %d %s; want 400 naming Content-MD5", status, answer)
	}
	// Metrics may come without S3 RTC.
	metrics := `<ReplicationConfiguration><Role>` + role + `</Role>` +
		current(`<Destination><Bucket>arn:aws:s3:::copy</Bucket><Metrics><Status>Enabled</Status></Metrics></Destination>`) + `</ReplicationConfiguration>`
	if status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPut, "/source?replication", http.Header{"Content-Md5": {md5Base64(metrics)}}, metrics); status != 200 {
		t.Errorf("PutBucketReplication with metrics alone = %d %s; want 200", status, answer)
	}
	if _, err := c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: aws.String("source")}); err != nil {
		t.Fatal(err)
	}
	// IAM passes no other account's role.
	_, prod := crossAccount(t, ts)
	foreign := strings.Replace(good, ts.Root.AccountId, prod.AccountId, 1)
	if status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPut, "/source?replication", http.Header{"Content-Md5": {md5Base64(foreign)}}, foreign); status != 403 ||
		!strings.Contains(answer, "cross-account pass role is not allowed") {
		t.Errorf("PutBucketReplication naming another account's role = %d %s; want AccessDenied", status, answer)
	}
	bad := strings.Replace(good, role, "replication", 1)
	if status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPut, "/source?replication", http.Header{"Content-Md5": {md5Base64(bad)}}, bad); status != 400 ||
		!strings.Contains(answer, "InvalidArgument") {
		t.Errorf("PutBucketReplication with a role that is no ARN = %d %s; want InvalidArgument", status, answer)
	}
	_, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("source")})
	wantAPIError(t, "GetBucketReplication after refused configurations", err, "ReplicationConfigurationNotFoundError", "")
}

// TestS3ReplicationConfigurationPermissions: putting a configuration
// takes s3:PutReplicationConfiguration and iam:PassRole on its role,
// reading it s3:GetReplicationConfiguration, and removing it the action
// that puts it, as S3's authorization reference says.
func TestS3ReplicationConfigurationPermissions(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	source := versionedBucket(t, c, "source")
	versionedBucket(t, c, "copy")
	root := ts.rootIAM()
	role := ts.replicationRole(t, root, "replication", "")
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	allow := func(name, actions, resource string) {
		t.Helper()
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String(name),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"` + resource + `"}]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	ops := ts.userS3(t, "ops")
	put := func() error {
		_, err := ops.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: source, ReplicationConfiguration: &s3types.ReplicationConfiguration{
			Role: aws.String(role), Rules: []s3types.ReplicationRule{{Status: s3types.ReplicationRuleStatusEnabled, Filter: &s3types.ReplicationRuleFilter{},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::copy")}}}}})
		return err
	}
	wantAPIError(t, "PutBucketReplication without s3:PutReplicationConfiguration", put(), "AccessDenied", "s3:PutReplicationConfiguration")
	allow("put", `"s3:PutReplicationConfiguration"`, "arn:aws:s3:::source")
	wantAPIError(t, "PutBucketReplication without iam:PassRole", put(), "AccessDenied", "iam:PassRole")
	allow("pass", `"iam:PassRole"`, role)
	if err := put(); err != nil {
		t.Fatalf("PutBucketReplication allowed both actions: %v", err)
	}
	_, err := ops.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source})
	wantAPIError(t, "GetBucketReplication without s3:GetReplicationConfiguration", err, "AccessDenied", "s3:GetReplicationConfiguration")
	allow("get", `"s3:GetReplicationConfiguration"`, "arn:aws:s3:::source")
	if _, err := ops.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: source}); err != nil {
		t.Errorf("GetBucketReplication allowed: %v", err)
	}
	allow("put", `"iam:PassRole"`, role) // s3:PutReplicationConfiguration taken away
	_, err = ops.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: source})
	wantAPIError(t, "DeleteBucketReplication without s3:PutReplicationConfiguration", err, "AccessDenied", "s3:PutReplicationConfiguration")
}

// replicationPolicy is the permissions policy of a replication role from
// source to destination, as S3's user guide writes it.
func replicationPolicy(source, destination string) string {
	return `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":"arn:aws:s3:::` + source + `"},
		{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":"arn:aws:s3:::` + source + `/*"},
		{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":"arn:aws:s3:::` + destination + `/*"}]}`
}

// replicateAll puts a configuration on source of one rule copying every
// object, delete markers too, to destination.
func replicateAll(t *testing.T, c *s3.Client, source, role string, dest s3types.Destination) {
	t.Helper()
	if _, err := c.PutBucketReplication(t.Context(), &s3.PutBucketReplicationInput{Bucket: aws.String(source), ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role), Rules: []s3types.ReplicationRule{{ID: aws.String("all"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
			Destination:             &dest}}}}); err != nil {
		t.Fatalf("PutBucketReplication on %s: %v", source, err)
	}
}

// settled waits until the source version's replication is no longer
// pending, and returns its status. Replication runs in the background,
// as soon as the version is written.
func settled(t *testing.T, c *s3.Client, bucket, key string) s3types.ReplicationStatus {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("HeadObject %s/%s: %v", bucket, key, err)
		}
		if head.ReplicationStatus != s3types.ReplicationStatusPending || time.Now().After(deadline) {
			return head.ReplicationStatus
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestS3Replication replicates a bucket's new objects to another bucket
// of the account with the SDK: each version copied whole, with its
// version id, metadata and tags, in the destination's storage class; its
// delete markers; not what came before the configuration, not the
// deletion of a version, not the replicas themselves (note 81).
func TestS3Replication(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	source, copies := versionedBucket(t, c, "photos"), versionedBucket(t, c, "photos-copy")
	put(t, c, "photos", "before.txt", "written before the configuration")
	role := ts.replicationRole(t, ts.rootIAM(), "replication", replicationPolicy("photos", "photos-copy"))
	replicateAll(t, c, "photos", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-copy"), StorageClass: s3types.StorageClassStandardIa})

	written, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: source, Key: aws.String("sunset.jpg"), Body: strings.NewReader("a sunset"),
		ContentType: aws.String("image/jpeg"), Metadata: map[string]string{"camera": "x100"}, Tagging: aws.String("album=summer")})
	if err != nil {
		t.Fatal(err)
	}
	if status := settled(t, c, "photos", "sunset.jpg"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status of a new object = %q; want COMPLETED", status)
	}
	replica, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: copies, Key: aws.String("sunset.jpg")})
	if err != nil {
		t.Fatalf("GetObject of the replica: %v", err)
	}
	body, _ := io.ReadAll(replica.Body)
	replica.Body.Close()
	original, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: source, Key: aws.String("sunset.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != "a sunset" || replica.ReplicationStatus != s3types.ReplicationStatusReplica ||
		aws.ToString(replica.VersionId) != aws.ToString(written.VersionId) || aws.ToString(replica.ETag) != aws.ToString(written.ETag) ||
		!aws.ToTime(replica.LastModified).Equal(aws.ToTime(original.LastModified)) || aws.ToString(replica.ContentType) != "image/jpeg" ||
		replica.Metadata["camera"] != "x100" || aws.ToInt32(replica.TagCount) != 1 || replica.StorageClass != s3types.StorageClassStandardIa {
		t.Errorf("replica = %q %+v; want the source's version, body, ETag, time, metadata and tag, in STANDARD_IA, as REPLICA", body, replica)
	}
	if original.StorageClass != "" {
		t.Errorf("source's storage class = %q; want STANDARD, unchanged", original.StorageClass)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: copies, Key: aws.String("before.txt")}); err == nil {
		t.Error("an object written before the configuration was replicated")
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: source, Key: aws.String("before.txt")}); err != nil || head.ReplicationStatus != "" {
		t.Errorf("HeadObject of an object written before the configuration = %+v, %v; want no replication status", head, err)
	}

	// A body kept as a file, and a multipart upload's object, ETag and all.
	big := strings.Repeat("0123456789abcdef", 8<<10)
	put(t, c, "photos", "big.raw", big)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: source, Key: aws.String("film.mov")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []s3types.CompletedPart
	for i, p := range []string{strings.Repeat("a", 5<<20), "end"} {
		part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: source, Key: aws.String("film.mov"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s3types.CompletedPart{ETag: part.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	film, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: source, Key: aws.String("film.mov"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"big.raw", "film.mov"} {
		if status := settled(t, c, "photos", key); status != s3types.ReplicationStatusCompleted {
			t.Errorf("replication status of %s = %q; want COMPLETED", key, status)
		}
	}
	if got, err := get(t, c, "photos-copy", "big.raw"); err != nil || got != big {
		t.Errorf("replica of a body kept as a file: %d bytes, %v; want %d", len(got), err, len(big))
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: copies, Key: aws.String("film.mov")}); err != nil ||
		aws.ToString(head.ETag) != aws.ToString(film.ETag) || aws.ToInt64(head.ContentLength) != 5<<20+3 {
		t.Errorf("replica of a multipart object = %+v, %v; want ETag %s", head, err, aws.ToString(film.ETag))
	}

	// A delete marker is replicated; the deletion of a version is not.
	marker, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: source, Key: aws.String("sunset.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the delete marker's replica", func() bool {
		versions, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: copies, Prefix: aws.String("sunset.jpg")})
		return err == nil && len(versions.DeleteMarkers) == 1 && aws.ToString(versions.DeleteMarkers[0].VersionId) == aws.ToString(marker.VersionId)
	})
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: source, Key: aws.String("big.raw"), VersionId: mustHead(t, c, "photos", "big.raw").VersionId}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "photos", "after.txt", "a later write")
	settled(t, c, "photos", "after.txt") // replicated after the deletion, in order
	if got, err := get(t, c, "photos-copy", "big.raw"); err != nil || got != big {
		t.Errorf("replica after its source version was deleted: %v; want it kept", err)
	}

	// The replicas are not replicated on by the destination's own rules;
	// what is written there is.
	versionedBucket(t, c, "photos-archive")
	onward := ts.replicationRole(t, ts.rootIAM(), "onward", replicationPolicy("photos-copy", "photos-archive"))
	replicateAll(t, c, "photos-copy", onward, s3types.Destination{Bucket: aws.String("arn:aws:s3:::photos-archive")})
	put(t, c, "photos", "chain.txt", "from the first bucket")
	put(t, c, "photos-copy", "direct.txt", "written in the second")
	if status := settled(t, c, "photos-copy", "direct.txt"); status != s3types.ReplicationStatusCompleted {
		t.Errorf("replication status of an object written in a destination = %q; want COMPLETED", status)
	}
	settled(t, c, "photos", "chain.txt")
	if head := mustHead(t, c, "photos-copy", "chain.txt"); head.ReplicationStatus != s3types.ReplicationStatusReplica {
		t.Errorf("replica's status = %q; want REPLICA", head.ReplicationStatus)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("photos-archive"), Key: aws.String("chain.txt")}); err == nil {
		t.Error("a replica was replicated on")
	}
}

// mustHead is HeadObject, which must succeed.
func mustHead(t *testing.T, c *s3.Client, bucket, key string) *s3.HeadObjectOutput {
	t.Helper()
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject %s/%s: %v", bucket, key, err)
	}
	return head
}

// waitFor waits until done holds, as background work makes it hold.
func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !done(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never came", what)
		}
	}
}

// TestS3ReplicationAcrossAccounts replicates to another account's bucket:
// the destination's bucket policy must allow the source's role too, as a
// cross-account request needs, and an owner override its own permission;
// a role S3 may not assume replicates nothing. Each failure is FAILED for
// good (note 81).
func TestS3ReplicationAcrossAccounts(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	staging := ts.Root.AccountId
	_, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	versionedBucket(t, c, "staging-photos")
	versionedBucket(t, prodS3, "prod-photos")

	// The trust policy may hold S3 to the source account, as AWS advises
	// against the confused deputy. Without s3:GetObjectVersionTagging, the
	// tags stay behind.
	root := ts.rootIAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"aws:SourceAccount":"` + staging + `"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::staging-*"}}}]}`
	created, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("replication"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	role := aws.ToString(created.Role.Arn)
	mustDo(t, "PutRolePolicy", func() error {
		_, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("replication"), PolicyName: aws.String("replicate"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:GetObjectVersionForReplication","Resource":"arn:aws:s3:::staging-photos/*"},
			{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ObjectOwnerOverrideToBucketOwner"],"Resource":"arn:aws:s3:::prod-photos/*"}]}`)})
		return err
	})
	replicateAll(t, c, "staging-photos", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::prod-photos"), Account: aws.String(prod.AccountId),
		AccessControlTranslation: &s3types.AccessControlTranslation{Owner: s3types.OwnerOverrideDestination}})

	put(t, c, "staging-photos", "one.txt", "before the bucket policy")
	if status := settled(t, c, "staging-photos", "one.txt"); status != s3types.ReplicationStatusFailed {
		t.Errorf("replication to another account's bucket that does not allow it = %q; want FAILED", status)
	}
	allowRole := func(actions string) {
		t.Helper()
		if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("prod-photos"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":` + actions + `,"Resource":"arn:aws:s3:::prod-photos/*"}]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	allowRole(`["s3:ReplicateObject","s3:ReplicateDelete"]`)
	put(t, c, "staging-photos", "two.txt", "without the owner override's permission")
	if status := settled(t, c, "staging-photos", "two.txt"); status != s3types.ReplicationStatusFailed {
		t.Errorf("replication with an owner override the destination does not allow = %q; want FAILED", status)
	}
	allowRole(`["s3:ReplicateObject","s3:ReplicateDelete","s3:ObjectOwnerOverrideToBucketOwner"]`)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("staging-photos"), Key: aws.String("three.txt"), Body: strings.NewReader("allowed"),
		Tagging: aws.String("stage=staging")}); err != nil {
		t.Fatal(err)
	}
	if status := settled(t, c, "staging-photos", "three.txt"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication the destination allows = %q; want COMPLETED", status)
	}
	if got, err := get(t, prodS3, "prod-photos", "three.txt"); err != nil || got != "allowed" {
		t.Errorf("the destination's owner reading the replica = %q, %v", got, err)
	}
	if head := mustHead(t, prodS3, "prod-photos", "three.txt"); aws.ToInt32(head.TagCount) != 0 {
		t.Errorf("replica's tags = %d; want none, as the role may not read the source's", aws.ToInt32(head.TagCount))
	}
	if status := settled(t, c, "staging-photos", "one.txt"); status != s3types.ReplicationStatusFailed {
		t.Errorf("a failed replication later = %q; want FAILED for good", status)
	}
	if _, err := prodS3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("prod-photos"), Key: aws.String("one.txt")}); err == nil {
		t.Error("a version whose replication failed reached the destination")
	}

	// A role whose trust policy does not let S3 assume it for this bucket,
	// or does not let S3 assume it at all.
	versionedBucket(t, c, "other-photos")
	mustDo(t, "PutRolePolicy", func() error {
		_, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("replication"), PolicyName: aws.String("other"), PolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectVersionForReplication","Resource":"arn:aws:s3:::other-photos/*"}]}`)})
		return err
	})
	replicateAll(t, c, "other-photos", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::prod-photos")})
	put(t, c, "other-photos", "four.txt", "from a bucket the trust policy does not name")
	if status := settled(t, c, "other-photos", "four.txt"); status != s3types.ReplicationStatusFailed {
		t.Errorf("replication with a role whose trust policy leaves the bucket out = %q; want FAILED", status)
	}
	ec2Only := strings.ReplaceAll(replicationTrust, "s3.amazonaws.com", "ec2.amazonaws.com")
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("not-for-s3"), AssumeRolePolicyDocument: aws.String(ec2Only)}); err != nil {
		t.Fatal(err)
	}
	replicateAll(t, c, "staging-photos", "arn:aws:iam::"+staging+":role/not-for-s3", s3types.Destination{Bucket: aws.String("arn:aws:s3:::prod-photos")})
	put(t, c, "staging-photos", "five.txt", "with a role S3 cannot assume")
	if status := settled(t, c, "staging-photos", "five.txt"); status != s3types.ReplicationStatusFailed {
		t.Errorf("replication with a role S3 cannot assume = %q; want FAILED", status)
	}
}

// TestS3ReplicationLeavesOut: the delete markers of a lifecycle rule are
// not replicated, nor SSE-KMS objects but by a rule that opts in, which
// then encrypts the replica with its own key (note 81).
func TestS3ReplicationLeavesOut(t *testing.T) {
	ticks, ran := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{lifecycleTicks: ticks, lifecycleRan: ran})
	c := ts.rootS3()
	ctx := t.Context()
	source := versionedBucket(t, c, "reports")
	versionedBucket(t, c, "reports-copy")
	role := ts.replicationRole(t, ts.rootIAM(), "replication", replicationPolicy("reports", "reports-copy"))
	replicateAll(t, c, "reports", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::reports-copy")})

	put(t, c, "reports", "q1.txt", "first quarter")
	if status := settled(t, c, "reports", "q1.txt"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status = %q; want COMPLETED", status)
	}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: source,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{ID: aws.String("expire"), Status: s3types.ExpirationStatusEnabled,
			Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}}}}}); err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now().Add(72 * time.Hour)
	if n := <-ran; n == 0 {
		t.Fatal("the lifecycle run expired nothing")
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: source, Key: aws.String("q1.txt")}); err == nil {
		t.Fatal("the lifecycle rule left the object current")
	}
	put(t, c, "reports", "q2.txt", "second quarter") // replicated after the marker would be
	settled(t, c, "reports", "q2.txt")
	if got, err := get(t, c, "reports-copy", "q1.txt"); err != nil || got != "first quarter" {
		t.Errorf("the replica under a lifecycle rule's delete marker = %q, %v; want it current still", got, err)
	}

	if _, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: source}); err != nil {
		t.Fatal(err)
	}
	kms := func(key string) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: source, Key: aws.String(key), Body: strings.NewReader("secret"),
			ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("arn:aws:kms:us-east-1:" + ts.Root.AccountId + ":key/source")}); err != nil {
			t.Fatal(err)
		}
	}
	kms("sealed.txt")
	if head := mustHead(t, c, "reports", "sealed.txt"); head.ReplicationStatus != "" {
		t.Errorf("replication status of an SSE-KMS object no rule opts in for = %q; want none", head.ReplicationStatus)
	}
	replicaKey := "arn:aws:kms:us-east-1:" + ts.Root.AccountId + ":key/replica"
	if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: source, ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role), Rules: []s3types.ReplicationRule{{Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			SourceSelectionCriteria: &s3types.SourceSelectionCriteria{SseKmsEncryptedObjects: &s3types.SseKmsEncryptedObjects{Status: s3types.SseKmsEncryptedObjectsStatusEnabled}},
			Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::reports-copy"),
				EncryptionConfiguration: &s3types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String(replicaKey)}}}}}}); err != nil {
		t.Fatal(err)
	}
	kms("sealed-too.txt")
	if status := settled(t, c, "reports", "sealed-too.txt"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status of an SSE-KMS object a rule opts in for = %q; want COMPLETED", status)
	}
	if head := mustHead(t, c, "reports-copy", "sealed-too.txt"); head.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(head.SSEKMSKeyId) != replicaKey {
		t.Errorf("the SSE-KMS replica = %s %s; want aws:kms under the rule's replica key", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId))
	}
}

// TestS3ReplicationOfChanges: a change of a replicated version's tags or
// legal hold reaches its replica, as S3 replicates them (note 81).
func TestS3ReplicationOfChanges(t *testing.T) {
	ts := startServer(t)
	c := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", checksumming) // a legal hold needs a digest
	ctx := t.Context()
	source, copies := lockedBucket(t, c, "contracts"), lockedBucket(t, c, "contracts-copy")
	role := ts.replicationRole(t, ts.rootIAM(), "replication", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionTagging","s3:GetObjectRetention","s3:GetObjectLegalHold"],"Resource":"arn:aws:s3:::contracts/*"},
		{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateTags"],"Resource":"arn:aws:s3:::contracts-copy/*"}]}`)
	replicateAll(t, c, "contracts", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::contracts-copy")})
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: source, Key: aws.String("lease.pdf"), Body: strings.NewReader("%PDF"), Tagging: aws.String("state=draft")}); err != nil {
		t.Fatal(err)
	}
	if status := settled(t, c, "contracts", "lease.pdf"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status = %q; want COMPLETED", status)
	}
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: source, Key: aws.String("lease.pdf"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("state"), Value: aws.String("signed")}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: source, Key: aws.String("lease.pdf"),
		LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOn}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replica's new tags and legal hold", func() bool {
		tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: copies, Key: aws.String("lease.pdf")})
		if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Value) != "signed" {
			return false
		}
		hold, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: copies, Key: aws.String("lease.pdf")})
		return err == nil && hold.LegalHold.Status == s3types.ObjectLockLegalHoldStatusOn
	})
	if status := settled(t, c, "contracts", "lease.pdf"); status != s3types.ReplicationStatusCompleted {
		t.Errorf("replication status after the changes = %q; want COMPLETED", status)
	}
	// The hold is the replica's now: lifting it at the source lifts it there.
	if _, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: source, Key: aws.String("lease.pdf"),
		LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOff}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replica's lifted legal hold", func() bool {
		hold, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: copies, Key: aws.String("lease.pdf")})
		return err == nil && hold.LegalHold.Status == s3types.ObjectLockLegalHoldStatusOff
	})

	// A replica under the destination's compliance retention keeps it: a
	// governance retention at the source lengthens it, never weakens it.
	if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: copies, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
		ObjectLockEnabled: s3types.ObjectLockEnabledEnabled, Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{
			Mode: s3types.ObjectLockRetentionModeCompliance, Days: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "contracts", "deed.pdf", "%PDF")
	if status := settled(t, c, "contracts", "deed.pdf"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status = %q; want COMPLETED", status)
	}
	later := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	if _, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: source, Key: aws.String("deed.pdf"),
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance, RetainUntilDate: &later}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replica's lengthened retention", func() bool {
		r, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: copies, Key: aws.String("deed.pdf")})
		return err == nil && aws.ToTime(r.Retention.RetainUntilDate).Equal(later)
	})
	if r, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: copies, Key: aws.String("deed.pdf")}); err != nil ||
		r.Retention.Mode != s3types.ObjectLockRetentionModeCompliance {
		t.Errorf("the replica's retention after a governance one at the source = %+v, %v; want compliance still", r, err)
	}

	// Once no rule takes a version in, a change of it leaves its status.
	if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: source, ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role), Rules: []s3types.ReplicationRule{{ID: aws.String("all"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusDisabled,
			Filter: &s3types.ReplicationRuleFilter{Prefix: aws.String("")}, DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::contracts-copy")}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: source, Key: aws.String("lease.pdf"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("state"), Value: aws.String("archived")}}}}); err != nil {
		t.Fatal(err)
	}
	if head := mustHead(t, c, "contracts", "lease.pdf"); head.ReplicationStatus != s3types.ReplicationStatusCompleted {
		t.Errorf("status after a change no rule replicates = %q; want COMPLETED still", head.ReplicationStatus)
	}
}

// TestS3ReplicaModificationSync: with replication both ways, a change of
// a replica's tags goes back to the version it was made from where the
// replica's bucket syncs replica modifications, and the replica stays a
// replica; where it does not, the change stays with the replica (note 81).
func TestS3ReplicaModificationSync(t *testing.T) {
	ts := startServer(t)
	c := ts.rootS3()
	ctx := t.Context()
	east, west := versionedBucket(t, c, "east"), versionedBucket(t, c, "west")
	policy := func(from, to string) string {
		return `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionTagging"],"Resource":"arn:aws:s3:::` + from + `/*"},
			{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateTags"],"Resource":"arn:aws:s3:::` + to + `/*"}]}`
	}
	iamc := ts.rootIAM()
	replicateAll(t, c, "east", ts.replicationRole(t, iamc, "east-to-west", policy("east", "west")), s3types.Destination{Bucket: aws.String("arn:aws:s3:::west")})
	back := func(sync s3types.ReplicaModificationsStatus, role string) {
		t.Helper()
		if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: west, ReplicationConfiguration: &s3types.ReplicationConfiguration{
			Role: aws.String(role), Rules: []s3types.ReplicationRule{{Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				SourceSelectionCriteria: &s3types.SourceSelectionCriteria{ReplicaModifications: &s3types.ReplicaModifications{Status: sync}},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::east")}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	westToEast := ts.replicationRole(t, iamc, "west-to-east", policy("west", "east"))
	back(s3types.ReplicaModificationsStatusDisabled, westToEast)
	tagsOf := func(bucket *string) string {
		t.Helper()
		out, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("map.png")})
		if err != nil || len(out.TagSet) != 1 {
			return fmt.Sprint(out, err)
		}
		return aws.ToString(out.TagSet[0].Value)
	}
	retag := func(bucket *string, value string) {
		t.Helper()
		if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: bucket, Key: aws.String("map.png"),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("rev"), Value: aws.String(value)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: east, Key: aws.String("map.png"), Body: strings.NewReader("png"), Tagging: aws.String("rev=1")}); err != nil {
		t.Fatal(err)
	}
	if status := settled(t, c, "east", "map.png"); status != s3types.ReplicationStatusCompleted {
		t.Fatalf("replication status = %q; want COMPLETED", status)
	}
	// Without sync, the replica's change is its own.
	retag(west, "2")
	put(t, c, "west", "marker.txt", "written in west") // replicated back after the change would be
	settled(t, c, "west", "marker.txt")
	if got := tagsOf(east); got != "1" {
		t.Errorf("the source's tags after a change of its replica without sync = %s; want 1", got)
	}
	back(s3types.ReplicaModificationsStatusEnabled, westToEast)
	retag(west, "3")
	waitFor(t, "the replica's change back at its source", func() bool { return tagsOf(east) == "3" })
	if head := mustHead(t, c, "west", "map.png"); head.ReplicationStatus != s3types.ReplicationStatusReplica {
		t.Errorf("the replica's status after its change went back = %q; want REPLICA", head.ReplicationStatus)
	}
	if head := mustHead(t, c, "east", "map.png"); head.ReplicationStatus != s3types.ReplicationStatusCompleted {
		t.Errorf("the source's status after its replica's change came back = %q; want COMPLETED", head.ReplicationStatus)
	}
	// And a change at the source still goes to the replica.
	retag(east, "4")
	waitFor(t, "the source's change at its replica", func() bool { return tagsOf(west) == "4" })

	// A replica whose change cannot go back stays a replica, and its
	// source's changes still reach it.
	back(s3types.ReplicaModificationsStatusEnabled, ts.replicationRole(t, iamc, "west-readonly", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionTagging"],"Resource":"arn:aws:s3:::west/*"}]}`))
	retag(west, "5")
	put(t, c, "west", "marker2.txt", "written in west")
	settled(t, c, "west", "marker2.txt")
	if head := mustHead(t, c, "west", "map.png"); head.ReplicationStatus != s3types.ReplicationStatusReplica {
		t.Errorf("a replica whose change could not go back = %q; want REPLICA", head.ReplicationStatus)
	}
	retag(east, "6")
	waitFor(t, "the source's change at a replica whose own could not go back", func() bool { return tagsOf(west) == "6" })
}

// TestS3ReplicationGivesUp: a version whose copy keeps failing (here its
// body cannot be read: a directory stands where its file was) stays PENDING for the runs after, holds up no
// other version, and is settled FAILED once maxReplicationAttempts runs
// have failed on it (note 81).
func TestS3ReplicationGivesUp(t *testing.T) {
	ticks, ran := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{replicationTicks: ticks, replicationRan: ran})
	c := ts.rootS3()
	versionedBucket(t, c, "ledger")
	versionedBucket(t, c, "ledger-copy")
	role := ts.replicationRole(t, ts.rootIAM(), "replication", replicationPolicy("ledger", "ledger-copy"))
	replicateAll(t, c, "ledger", role, s3types.Destination{Bucket: aws.String("arn:aws:s3:::ledger-copy")})
	put(t, c, "ledger", "big.bin", strings.Repeat("x", 100<<10)) // a body kept as a file
	bodies, err := filepath.Glob(filepath.Join(ts.Data, "objects", "*", "*"))
	if err != nil || len(bodies) == 0 {
		t.Fatalf("the body files = %v, %v; want the big object's", bodies, err)
	}
	for _, f := range bodies {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(f, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	put(t, c, "ledger", "small.txt", "kept in its row")

	run := func() int {
		t.Helper()
		ticks <- time.Now()
		return <-ran
	}
	status := func(key string) s3types.ReplicationStatus {
		t.Helper()
		head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("ledger"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("HeadObject %s: %v", key, err)
		}
		return head.ReplicationStatus
	}
	if n := run(); n != 1 || status("small.txt") != s3types.ReplicationStatusCompleted {
		t.Fatalf("the first run settled %d, small.txt %s; want small.txt COMPLETED beside the failing version", n, status("small.txt"))
	}
	for i := 2; i < 5; i++ {
		if n := run(); n != 0 || status("big.bin") != s3types.ReplicationStatusPending {
			t.Fatalf("run %d settled %d, big.bin %s; want it PENDING still", i, n, status("big.bin"))
		}
	}
	if n := run(); n != 1 || status("big.bin") != s3types.ReplicationStatusFailed {
		t.Errorf("the fifth failing run settled %d, big.bin %s; want it FAILED", n, status("big.bin"))
	}
}
