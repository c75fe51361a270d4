package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// s3HostClient is an S3 client that names buckets in the host, as the
// SDK does with an access point's ARN for a bucket: NAME-ACCOUNT.localhost.
// It dials the server for any such name, as a resolver of *.localhost
// names would.
func (ts *testServer) s3HostClient(id, secret, token string) *s3.Client {
	endpoint, client := ts.localhost()
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		HTTPClient:   client,
	})
}

// createAccessPoint makes an access point of control's account to bucket,
// and returns its ARN and alias.
func createAccessPoint(t *testing.T, control *s3control.Client, account, name, bucket string) (arn, alias string) {
	t.Helper()
	out, err := control.CreateAccessPoint(t.Context(), &s3control.CreateAccessPointInput{AccountId: aws.String(account), Name: aws.String(name), Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("CreateAccessPoint %s: %v", name, err)
	}
	return aws.ToString(out.AccessPointArn), aws.ToString(out.Alias)
}

// TestS3AccessPointsManaged manages access points through S3 Control with
// the SDK: their names, settings, listings and policies, with S3's
// answers to the mistakes (note 86).
func TestS3AccessPointsManaged(t *testing.T) {
	ts, c, bucket := withBucket(t, "warehouse")
	ctx := t.Context()
	acct := ts.Root.AccountId
	account := aws.String(acct)
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")

	apARN, alias := createAccessPoint(t, control, acct, "analytics", "warehouse")
	if apARN != "arn:aws:s3:us-east-1:"+acct+":accesspoint/analytics" {
		t.Errorf("AccessPointArn = %s", apARN)
	}
	if !strings.HasPrefix(alias, "analytics-") || !strings.HasSuffix(alias, "-s3alias") || len(alias) > 63 {
		t.Errorf("Alias = %s; want analytics-...-s3alias, at most 63 characters", alias)
	}
	got, err := control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("analytics")})
	if err != nil {
		t.Fatal(err)
	}
	pab := got.PublicAccessBlockConfiguration
	if aws.ToString(got.Bucket) != "warehouse" || got.NetworkOrigin != s3controltypes.NetworkOriginInternet || aws.ToString(got.Alias) != alias ||
		aws.ToString(got.AccessPointArn) != apARN || aws.ToString(got.BucketAccountId) != acct || got.CreationDate == nil ||
		got.Endpoints["ipv4"] != "s3-accesspoint.us-east-1.amazonaws.com" ||
		pab == nil || !aws.ToBool(pab.BlockPublicAcls) || !aws.ToBool(pab.IgnorePublicAcls) || !aws.ToBool(pab.BlockPublicPolicy) || !aws.ToBool(pab.RestrictPublicBuckets) {
		t.Errorf("GetAccessPoint = %+v, %+v; want the access point, blocking all public access", got, pab)
	}

	// A configuration given sets what it names alone; a VPC's access
	// point has that origin.
	if _, err := control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("internal"), Bucket: bucket,
		VpcConfiguration:               &s3controltypes.VpcConfiguration{VpcId: aws.String("vpc-1a2b3c4d")},
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	got, err = control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("internal")})
	if err != nil {
		t.Fatal(err)
	}
	pab = got.PublicAccessBlockConfiguration
	if got.NetworkOrigin != s3controltypes.NetworkOriginVpc || got.VpcConfiguration == nil || aws.ToString(got.VpcConfiguration.VpcId) != "vpc-1a2b3c4d" ||
		pab == nil || aws.ToBool(pab.BlockPublicAcls) || !aws.ToBool(pab.BlockPublicPolicy) || aws.ToBool(pab.RestrictPublicBuckets) {
		t.Errorf("GetAccessPoint of a VPC's = %+v, %+v", got, pab)
	}

	for _, bad := range []struct{ name, code string }{
		{"ab", "InvalidURI"}, {strings.Repeat("a", 51), "InvalidURI"}, {"Upper", "InvalidURI"}, {"under_score", "InvalidURI"},
		{"-lead", "InvalidRequest"}, {"trail-", "InvalidRequest"}, {"dotted.name", "InvalidRequest"}, {"mine-s3alias", "InvalidRequest"},
	} {
		_, err := control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String(bad.name), Bucket: bucket})
		wantAPIError(t, "CreateAccessPoint named "+bad.name, err, bad.code, "")
	}
	_, err = control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("analytics"), Bucket: bucket})
	wantAPIError(t, "CreateAccessPoint of a name taken", err, "AccessPointAlreadyOwnedByYou", "you already own it")
	_, err = control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("nowhere"), Bucket: aws.String("missing")})
	wantAPIError(t, "CreateAccessPoint for a missing bucket", err, "InvalidRequest", "can only be created for existing bucket")
	_, err = control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("mislabelled"), Bucket: bucket, BucketAccountId: aws.String("999999999999")})
	wantAPIError(t, "CreateAccessPoint naming another owner", err, "InvalidRequest", "BucketAccountId")

	// Listings, by page and by bucket.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("archive")}); err != nil {
		t.Fatal(err)
	}
	createAccessPoint(t, control, acct, "backups", "archive")
	var names []string
	var token *string
	for pages := 0; ; pages++ {
		page, err := control.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account, MaxResults: 2, NextToken: token})
		if err != nil || pages > 3 {
			t.Fatalf("ListAccessPoints: %v, page %d", err, pages)
		}
		for _, ap := range page.AccessPointList {
			names = append(names, aws.ToString(ap.Name))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if strings.Join(names, ",") != "analytics,backups,internal" {
		t.Errorf("ListAccessPoints by pages of two = %v", names)
	}
	list, err := control.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account, Bucket: aws.String("archive")})
	if err != nil || len(list.AccessPointList) != 1 || aws.ToString(list.AccessPointList[0].Name) != "backups" ||
		aws.ToString(list.AccessPointList[0].Bucket) != "archive" || list.AccessPointList[0].NetworkOrigin != s3controltypes.NetworkOriginInternet {
		t.Errorf("ListAccessPoints of archive = %+v, %v", list, err)
	}
	_, err = control.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account, Bucket: aws.String("missing")})
	wantAPIError(t, "ListAccessPoints of a missing bucket", err, "InvalidRequest", "existing bucket")

	// Policies: checked as a bucket's are, on the access point's ARN.
	_, err = control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics")})
	wantAPIError(t, "GetAccessPointPolicy of none", err, "NoSuchAccessPointPolicy", "")
	_, err = control.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: account, Name: aws.String("analytics")})
	wantAPIError(t, "GetAccessPointPolicyStatus of none", err, "NoSuchAccessPointPolicy", "")
	for _, bad := range []struct{ what, doc, msg string }{
		{"on the bucket's ARN", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::warehouse/*"}]}`, "invalid resource"},
		{"on another access point", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:` + acct + `:accesspoint/backups/object/*"}]}`, "invalid resource"},
		{"of an object action on the access point itself", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"s3:GetObject","Resource":"` + apARN + `"}]}`, "does not apply"},
		{"of no JSON", `Allow everything`, "first byte"},
	} {
		_, err := control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics"), Policy: aws.String(bad.doc)})
		wantAPIError(t, "PutAccessPointPolicy "+bad.what, err, "MalformedPolicy", bad.msg)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + apARN + `/object/*"}]}`
	_, err = control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics"), Policy: aws.String(public)})
	wantAPIError(t, "PutAccessPointPolicy of a public policy", err, "AccessDenied", "BlockPublicPolicy")
	// The access point's own keys fix nothing in its own policy, where
	// they hold for every request through it.
	selfFixed := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + apARN + `/object/*",` +
		`"Condition":{"StringEquals":{"s3:DataAccessPointArn":"` + apARN + `"}}}]}`
	_, err = control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics"), Policy: aws.String(selfFixed)})
	wantAPIError(t, "PutAccessPointPolicy of a policy fixed by its own ARN alone", err, "AccessDenied", "BlockPublicPolicy")
	own := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["` + apARN + `","` + apARN + `/object/*"]}]}`
	if _, err := control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics"), Policy: aws.String(own)}); err != nil {
		t.Fatal(err)
	}
	doc, err := control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics")})
	if err != nil || aws.ToString(doc.Policy) != own {
		t.Errorf("GetAccessPointPolicy = %v, %v", doc, err)
	}
	status, err := control.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: account, Name: aws.String("analytics")})
	if err != nil || status.PolicyStatus == nil || status.PolicyStatus.IsPublic {
		t.Errorf("GetAccessPointPolicyStatus = %+v, %v; want not public", status, err)
	}
	if _, err := control.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics")}); err != nil {
		t.Fatal(err)
	}
	_, err = control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: account, Name: aws.String("analytics")})
	wantAPIError(t, "GetAccessPointPolicy once deleted", err, "NoSuchAccessPointPolicy", "")

	// Tags: given at creation, added to, replaced and removed by key.
	tagged, err := control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("tagged"), Bucket: bucket,
		Tags: []s3controltypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
	if err != nil {
		t.Fatal(err)
	}
	taggedARN := tagged.AccessPointArn
	tagsOf := func() string {
		t.Helper()
		out, err := control.ListTagsForResource(ctx, &s3control.ListTagsForResourceInput{AccountId: account, ResourceArn: taggedARN})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		var tags []string
		for _, tag := range out.Tags {
			tags = append(tags, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return strings.Join(tags, ",")
	}
	if got := tagsOf(); got != "team=data" {
		t.Errorf("tags given at creation = %s", got)
	}
	if _, err := control.TagResource(ctx, &s3control.TagResourceInput{AccountId: account, ResourceArn: taggedARN,
		Tags: []s3controltypes.Tag{{Key: aws.String("team"), Value: aws.String("finance")}, {Key: aws.String("cost"), Value: aws.String("42")}}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); got != "team=finance,cost=42" {
		t.Errorf("tags once added to = %s; want team replaced, cost added", got)
	}
	if _, err := control.UntagResource(ctx, &s3control.UntagResourceInput{AccountId: account, ResourceArn: taggedARN, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); got != "cost=42" {
		t.Errorf("tags once team is removed = %s", got)
	}
	_, err = control.TagResource(ctx, &s3control.TagResourceInput{AccountId: account, ResourceArn: taggedARN,
		Tags: []s3controltypes.Tag{{Key: aws.String("aws:owner"), Value: aws.String("me")}}})
	wantAPIError(t, "TagResource with a system tag", err, "InvalidTag", "System tags")
	_, err = control.ListTagsForResource(ctx, &s3control.ListTagsForResourceInput{AccountId: account, ResourceArn: aws.String("arn:aws:s3:us-east-1:" + acct + ":accesspoint/missing")})
	wantAPIError(t, "ListTagsForResource of a missing access point", err, "NoSuchAccessPoint", "")

	// Another account's principals cannot see the account's access points.
	prod := ts.createAccount(t, "Production")
	other := ts.s3ControlClient(prod.AccessKeyId, prod.SecretAccessKey, "")
	_, err = other.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("analytics")})
	wantAPIError(t, "GetAccessPoint from another account", err, "AccessDenied", "")
	// A user needs the actions.
	ts.newUser(t, "intern")
	key := ts.accessKey(t, "intern")
	intern := ts.s3ControlClient(key.id, key.secret, "")
	_, err = intern.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account})
	wantAPIError(t, "ListAccessPoints without permission", err, "AccessDenied", "s3:ListAccessPoints")
	// Tags given at creation need s3:TagResource too, and an access
	// point's tags are its aws:ResourceTag keys.
	ts.userAllowed(t, "curator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:TagResource","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:GetAccessPoint","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/cost":"42"}}}]}`)
	curatorKey := ts.accessKey(t, "curator")
	curator := ts.s3ControlClient(curatorKey.id, curatorKey.secret, "")
	_, err = curator.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: account, Name: aws.String("labelled"), Bucket: bucket,
		Tags: []s3controltypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	wantAPIError(t, "CreateAccessPoint with tags, s3:TagResource denied", err, "AccessDenied", "s3:TagResource")
	_, err = curator.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("tagged")})
	wantAPIError(t, "GetAccessPoint denied by the access point's tag", err, "AccessDenied", "s3:GetAccessPoint")
	if _, err := curator.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("analytics")}); err != nil {
		t.Errorf("GetAccessPoint of an access point without the tag: %v", err)
	}

	// A bucket with access points is not deleted; the access points go
	// first.
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("archive")})
	wantAPIError(t, "DeleteBucket with an access point", err, "BucketHasAccessPointsAttached", "")
	if _, err := control.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: account, Name: aws.String("backups")}); err != nil {
		t.Fatal(err)
	}
	_, err = control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String("backups")})
	wantAPIError(t, "GetAccessPoint once deleted", err, "NoSuchAccessPoint", "does not exist")
	_, err = control.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: account, Name: aws.String("backups")})
	wantAPIError(t, "DeleteAccessPoint twice", err, "NoSuchAccessPoint", "")
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("archive")}); err != nil {
		t.Errorf("DeleteBucket once its access point is gone: %v", err)
	}
}

// TestS3AccessPointRequests sends requests through an access point, by
// its alias and by its ARN: the access point and the bucket must both
// allow each, the first deciding on the access point's ARN with its
// policy, the second on the bucket's with the bucket's, which can leave
// the decision to the access points of its account (note 86).
func TestS3AccessPointRequests(t *testing.T) {
	ts, root, _ := withBucket(t, "shared")
	ctx := t.Context()
	acct := ts.Root.AccountId
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	put(t, root, "shared", "team/plan.txt", "plan")
	put(t, root, "shared", "secret/keys.txt", "keys")
	apARN, alias := createAccessPoint(t, control, acct, "team", "shared")

	ts.userAllowed(t, "analyst", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["`+apARN+`","`+apARN+`/object/*"]}]}`)
	key := ts.accessKey(t, "analyst")
	analyst := ts.s3Client(key.id, key.secret, "")
	analystByARN := ts.s3HostClient(key.id, key.secret, "")

	// The identity policy allows the access point; nothing allows the
	// bucket.
	_, err := get(t, analyst, alias, "team/plan.txt")
	wantAPIError(t, "GetObject through the access point, the bucket not allowing it", err, "AccessDenied", "arn:aws:s3:::shared/team/plan.txt")

	// The bucket leaves its decisions to its account's access points,
	// which keeps its policy from being public.
	delegate := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + acct + `"}}}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(delegate)}); err != nil {
		t.Fatalf("PutBucketPolicy delegating to access points: %v", err)
	}
	if body, err := get(t, analyst, alias, "team/plan.txt"); err != nil || body != "plan" {
		t.Errorf("GetObject by alias = %q, %v", body, err)
	}
	if body, err := get(t, analystByARN, apARN, "team/plan.txt"); err != nil || body != "plan" {
		t.Errorf("GetObject by ARN = %q, %v", body, err)
	}
	if _, err := analystByARN.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(apARN), Key: aws.String("team/notes.txt"), Body: strings.NewReader("notes")}); err != nil {
		t.Errorf("PutObject by ARN: %v", err)
	}
	if body, err := get(t, root, "shared", "team/notes.txt"); err != nil || body != "notes" {
		t.Errorf("the object put through the access point, read from the bucket = %q, %v", body, err)
	}
	list, err := analyst.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String("team/")})
	if err != nil || len(list.Contents) != 2 {
		t.Errorf("ListObjectsV2 by alias = %+v, %v; want the two team objects", list, err)
	}
	// Only through the access point: the bucket by name allows nothing.
	_, err = get(t, analyst, "shared", "team/plan.txt")
	wantAPIError(t, "GetObject by the bucket's name", err, "AccessDenied", "")
	// And only the operations S3 takes through one.
	_, err = analyst.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(alias), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	wantAPIError(t, "PutBucketTagging through an access point", err, "InvalidRequest", "not allowed against this resource")

	// The access point's policy holds for the requests through it, an
	// explicit deny in it denying the account's own principals.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"` + apARN + `/object/secret/*"}]}`
	if _, err := control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("team"), Policy: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	_, err = get(t, root, alias, "secret/keys.txt")
	wantAPIError(t, "GetObject through the access point its policy denies", err, "AccessDenied", apARN+"/object/secret/keys.txt")
	if body, err := get(t, root, "shared", "secret/keys.txt"); err != nil || body != "keys" {
		t.Errorf("GetObject of the bucket by name, which the access point's policy does not touch = %q, %v", body, err)
	}

	// A copy's source may be an access point, by alias or by ARN.
	for _, source := range []string{alias + "/team/plan.txt", apARN + "/object/team/plan.txt"} {
		if _, err := root.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("shared"), Key: aws.String("copy.txt"), CopySource: aws.String(source)}); err != nil {
			t.Errorf("CopyObject from %s: %v", source, err)
		}
	}
	_, err = root.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("shared"), Key: aws.String("copy.txt"), CopySource: aws.String(alias + "/secret/keys.txt")})
	wantAPIError(t, "CopyObject from a source the access point denies", err, "AccessDenied", "")

	// Access points take no anonymous requests, and a VPC's none from
	// outside it.
	resp, err := http.Get(ts.Endpoint + "/" + alias + "/team/plan.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous GET through the access point = %d; want 403", resp.StatusCode)
	}
	vpc, err := control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String("private"), Bucket: aws.String("shared"),
		VpcConfiguration: &s3controltypes.VpcConfiguration{VpcId: aws.String("vpc-1a2b3c4d")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = get(t, root, aws.ToString(vpc.Alias), "team/plan.txt")
	wantAPIError(t, "GetObject through a VPC's access point", err, "AccessDenied", "")

	// A bucket may be named as the host an access point's ARN makes: the
	// host names both then, and takes neither for the other.
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-" + acct)}); err != nil {
		t.Fatal(err)
	}
	put(t, root, "team-"+acct, "own.txt", "own")
	rootByHost := ts.s3HostClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	_, err = get(t, rootByHost, "team-"+acct, "own.txt")
	wantAPIError(t, "GetObject of a bucket named NAME-ACCOUNT, in the host", err, "InvalidRequest", "names both the bucket")
	if body, err := get(t, root, "team-"+acct, "own.txt"); err != nil || body != "own" {
		t.Errorf("GetObject of that bucket path-style = %q, %v", body, err)
	}
	_, err = get(t, rootByHost, apARN, "team/plan.txt")
	wantAPIError(t, "GetObject through the access point by ARN, beside that bucket", err, "InvalidRequest", "by its alias")
	if body, err := get(t, root, alias, "team/plan.txt"); err != nil || body != "plan" {
		t.Errorf("GetObject through the access point by alias, beside that bucket = %q, %v", body, err)
	}
	head, err := root.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(alias)})
	if err != nil || !aws.ToBool(head.AccessPointAlias) || aws.ToString(head.BucketRegion) != "us-east-1" {
		t.Errorf("HeadBucket of the alias = %+v, %v; want the region and x-amz-access-point-alias", head, err)
	}

	// An alias no access point has is no bucket.
	_, err = get(t, root, "gone-abcdefghijklmnopqrstuvwxyz01234567-s3alias", "team/plan.txt")
	wantAPIError(t, "GetObject through an unknown alias", err, "NoSuchBucket", "")
}

// TestS3AccessPointAcrossAccounts: another account's principal reaches a
// bucket through an access point when the access point's policy allows
// it, the cross-account rule holding for the access point as for a
// bucket, and the bucket leaves the decision to its access points.
func TestS3AccessPointAcrossAccounts(t *testing.T) {
	ts, root, _ := withBucket(t, "exchange")
	ctx := t.Context()
	acct := ts.Root.AccountId
	put(t, root, "exchange", "report.csv", "a,b")
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	apARN, alias := createAccessPoint(t, control, acct, "partners", "exchange")
	delegate := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::exchange","arn:aws:s3:::exchange/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + acct + `"}}}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("exchange"), Policy: aws.String(delegate)}); err != nil {
		t.Fatal(err)
	}
	prod := ts.createAccount(t, "Partner")
	partner := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")

	_, err := get(t, partner, alias, "report.csv")
	wantAPIError(t, "GetObject from another account, the access point's policy silent", err, "AccessDenied", "")

	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + prod.AccountId + `:root"},"Action":"s3:GetObject","Resource":"` + apARN + `/object/*"}]}`
	if _, err := control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("partners"), Policy: aws.String(allow)}); err != nil {
		t.Fatal(err)
	}
	if body, err := get(t, partner, alias, "report.csv"); err != nil || body != "a,b" {
		t.Errorf("GetObject from another account allowed by the access point = %q, %v", body, err)
	}
	// The bucket by name still serves its own account alone.
	_, err = get(t, partner, "exchange", "report.csv")
	wantAPIError(t, "GetObject of the bucket by name from another account", err, "AccessDenied", "")
	// The access point's policy allows reads alone.
	_, err = partner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("intrusion.csv"), Body: strings.NewReader("x")})
	wantAPIError(t, "PutObject from another account, the access point allowing reads", err, "AccessDenied", "")

	// Another account may make an access point to the bucket, naming its
	// owner; it keeps the owner from nothing, the bucket deleted beside it,
	// and leads to no bucket of the name made again by another account.
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("spare")}); err != nil {
		t.Fatal(err)
	}
	partnerControl := ts.s3ControlClient(prod.AccessKeyId, prod.SecretAccessKey, "")
	squat, err := partnerControl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(prod.AccountId), Name: aws.String("squat"),
		Bucket: aws.String("spare"), BucketAccountId: aws.String(acct)})
	if err != nil {
		t.Fatalf("CreateAccessPoint to another account's bucket: %v", err)
	}
	if _, err := root.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("spare")}); err != nil {
		t.Errorf("DeleteBucket with another account's access point to it: %v", err)
	}
	if _, err := partner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("spare")}); err != nil {
		t.Fatal(err)
	}
	put(t, partner, "spare", "mine.txt", "mine")
	_, err = get(t, partner, aws.ToString(squat.Alias), "mine.txt")
	wantAPIError(t, "GetObject through an access point whose bucket another account made again", err, "NoSuchBucket", "")
}

// TestS3AccessLogsThroughAccessPoints: a request through an access point
// is logged in its bucket's access log, naming the access point's ARN.
func TestS3AccessLogsThroughAccessPoints(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	logTo(t, c, ts.Root.AccountId, "shop", "shop-logs", "shop/")
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	apARN, alias := createAccessPoint(t, control, ts.Root.AccountId, "front", "shop")
	put(t, c, alias, "cart.json", "{}")
	put(t, c, "shop", "order.json", "{}")
	// A call S3 does not take through an access point is logged as refused.
	_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(alias), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	wantAPIError(t, "PutBucketTagging through the alias", err, "InvalidRequest", "")
	// A request refused its authentication is logged too.
	forged := ts.s3Client(ts.Root.AccessKeyId, "not-the-secret", "")
	_, err = get(t, forged, alias, "cart.json")
	wantAPIError(t, "GetObject through the alias with a wrong secret", err, "SignatureDoesNotMatch", "")
	ticks <- time.Date(2026, 12, 3, 10, 20, 30, 0, time.UTC)
	if n := <-delivered; n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shop-logs")})
	if err != nil || len(listed.Contents) != 1 {
		t.Fatalf("the target's objects = %+v, %v", listed, err)
	}
	body, err := get(t, c, "shop-logs", aws.ToString(listed.Contents[0].Key))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if f := logFields(line); len(f) == 26 {
			got = append(got, f[1]+" "+f[7]+" "+f[24])
		}
	}
	if want := []string{"shop cart.json " + apARN, "shop order.json -", "shop - " + apARN, "shop cart.json " + apARN}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log records (bucket, key, access point) = %q; want %q", got, want)
	}
}
