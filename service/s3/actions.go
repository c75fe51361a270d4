package s3api

import (
	"net/http"
	"strings"

	"github.com/trustgate/trustgate/policy"
)

// actionKind is what an S3 action is decided for: a bucket, an object,
// or neither (the account, access points, batch jobs, Storage Lens, ...),
// as the Service Authorization Reference gives its resource types.
type actionKind uint8

const (
	onBucket actionKind = 1 << iota
	onObject
	onNeither
)

// s3Actions are the actions S3 defines, by lower-cased name (action names
// match without regard to case), each with what it is decided for. A
// bucket policy may name only these (note 62).
var s3Actions = func() map[string]actionKind {
	kinds := map[string]actionKind{}
	for kind, names := range map[actionKind][]string{onBucket: bucketActions, onObject: objectActions, onNeither: otherActions} {
		for _, name := range names {
			kinds["s3:"+strings.ToLower(name)] = kind
		}
	}
	return kinds
}()

// bucketActions are decided for a bucket's ARN.
var bucketActions = []string{
	"AllowVendedLogDeliveryForResource", "CreateBucket", "CreateBucketMetadataTableConfiguration",
	"DeleteBucket", "DeleteBucketMetadataTableConfiguration", "DeleteBucketPolicy",
	"DeleteBucketWebsite", "GetAccelerateConfiguration", "GetAnalyticsConfiguration", "GetBucketAbac",
	"GetBucketAcl", "GetBucketCORS", "GetBucketLocation", "GetBucketLogging",
	"GetBucketMetadataTableConfiguration", "GetBucketNotification",
	"GetBucketObjectLockConfiguration", "GetBucketOwnershipControls", "GetBucketPolicy",
	"GetBucketPolicyStatus", "GetBucketPublicAccessBlock", "GetBucketRequestPayment",
	"GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite", "GetEncryptionConfiguration",
	"GetIntelligentTieringConfiguration", "GetInventoryConfiguration", "GetLifecycleConfiguration",
	"GetMetricsConfiguration", "GetReplicationConfiguration", "ListBucket",
	"ListBucketMultipartUploads", "ListBucketVersions", "ListTagsForResource", "PauseReplication",
	"PutAccelerateConfiguration", "PutAnalyticsConfiguration", "PutBucketAbac", "PutBucketAcl",
	"PutBucketCORS", "PutBucketLogging", "PutBucketNotification", "PutBucketObjectLockConfiguration",
	"PutBucketOwnershipControls", "PutBucketPolicy", "PutBucketPublicAccessBlock",
	"PutBucketRequestPayment", "PutBucketTagging", "PutBucketVersioning", "PutBucketWebsite",
	"PutEncryptionConfiguration", "PutIntelligentTieringConfiguration", "PutInventoryConfiguration",
	"PutLifecycleConfiguration", "PutMetricsConfiguration", "PutReplicationConfiguration",
	"TagResource", "UntagResource", "UpdateBucketMetadataAnnotationTableConfiguration",
	"UpdateBucketMetadataInventoryTableConfiguration",
	"UpdateBucketMetadataJournalTableConfiguration",
}

// objectActions are decided for an object's ARN.
var objectActions = []string{
	"AbortMultipartUpload", "BypassGovernanceRetention", "DeleteObject", "DeleteObjectAnnotation",
	"DeleteObjectTagging", "DeleteObjectVersion", "DeleteObjectVersionAnnotation",
	"DeleteObjectVersionTagging", "GetObject", "GetObjectAcl", "GetObjectAnnotation",
	"GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging",
	"GetObjectTorrent", "GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionAnnotation",
	"GetObjectVersionAnnotationForReplication", "GetObjectVersionAttributes",
	"GetObjectVersionForReplication", "GetObjectVersionTagging", "GetObjectVersionTorrent",
	"InitiateReplication", "ListMultipartUploadParts", "ListObjectAnnotations",
	"ListObjectVersionAnnotations", "ObjectOwnerOverrideToBucketOwner", "PutObject", "PutObjectAcl",
	"PutObjectAnnotation", "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging",
	"PutObjectVersionAcl", "PutObjectVersionAnnotation", "PutObjectVersionTagging", "ReplicateDelete",
	"ReplicateObject", "ReplicateObjectAnnotation", "ReplicateTags", "RestoreObject",
	"UpdateObjectEncryption",
}

// otherActions are decided for neither.
var otherActions = []string{
	"AssociateAccessGrantsIdentityCenter", "CreateAccessGrant", "CreateAccessGrantsInstance",
	"CreateAccessGrantsLocation", "CreateAccessPoint", "CreateAccessPointForObjectLambda",
	"CreateJob", "CreateMultiRegionAccessPoint", "CreateStorageLensGroup", "DeleteAccessGrant",
	"DeleteAccessGrantsInstance", "DeleteAccessGrantsInstanceResourcePolicy",
	"DeleteAccessGrantsLocation", "DeleteAccessPoint", "DeleteAccessPointForObjectLambda",
	"DeleteAccessPointPolicy", "DeleteAccessPointPolicyForObjectLambda", "DeleteJobTagging",
	"DeleteMultiRegionAccessPoint", "DeleteStorageLensConfiguration",
	"DeleteStorageLensConfigurationTagging", "DeleteStorageLensGroup", "DescribeJob",
	"DescribeMultiRegionAccessPointOperation", "DissociateAccessGrantsIdentityCenter",
	"GetAccessGrant", "GetAccessGrantsInstance", "GetAccessGrantsInstanceForPrefix",
	"GetAccessGrantsInstanceResourcePolicy", "GetAccessGrantsLocation", "GetAccessPoint",
	"GetAccessPointConfigurationForObjectLambda", "GetAccessPointForObjectLambda",
	"GetAccessPointPolicy", "GetAccessPointPolicyForObjectLambda", "GetAccessPointPolicyStatus",
	"GetAccessPointPolicyStatusForObjectLambda", "GetAccountPublicAccessBlock", "GetDataAccess",
	"GetJobTagging", "GetMultiRegionAccessPoint", "GetMultiRegionAccessPointPolicy",
	"GetMultiRegionAccessPointPolicyStatus", "GetMultiRegionAccessPointRoutes",
	"GetStorageLensConfiguration", "GetStorageLensConfigurationTagging", "GetStorageLensDashboard",
	"GetStorageLensGroup", "ListAccessGrants", "ListAccessGrantsInstances",
	"ListAccessGrantsLocations", "ListAccessPoints", "ListAccessPointsForObjectLambda",
	"ListAllMyBuckets", "ListCallerAccessGrants", "ListJobs", "ListMultiRegionAccessPoints",
	"ListStorageLensConfigurations", "ListStorageLensGroups", "PutAccessGrantsInstanceResourcePolicy",
	"PutAccessPointConfigurationForObjectLambda", "PutAccessPointPolicy",
	"PutAccessPointPolicyForObjectLambda", "PutAccessPointPublicAccessBlock",
	"PutAccountPublicAccessBlock", "PutJobTagging", "PutMultiRegionAccessPointPolicy",
	"PutStorageLensConfiguration", "PutStorageLensConfigurationTagging",
	"SubmitMultiRegionAccessPointRoutes", "UpdateAccessGrantsLocation", "UpdateJobPriority",
	"UpdateJobStatus", "UpdateStorageLensGroup",
}

// checkPolicyActions refuses a bucket policy statement that names an
// action S3 does not have (another service's included), or an action
// that applies to none of the statement's resources, as S3 refuses them
// (note 62): s3:GetObject on the bucket's own ARN is the mistake it
// catches most.
func checkPolicyActions(st *policy.Statement) *Error {
	resources := onBucket | onObject | onNeither // NotResource, or none given
	if !st.NotResource && st.Resources != nil {
		resources = resourceKinds(st.Resources)
	}
	for _, a := range st.Actions {
		kinds, ok := actionKinds(strings.ToLower(a))
		if !ok {
			return errorf(http.StatusBadRequest, "MalformedPolicy", "Policy has invalid action")
		}
		if !st.NotAction && kinds&resources == 0 {
			return errorf(http.StatusBadRequest, "MalformedPolicy", "Action does not apply to any resource(s) in statement")
		}
	}
	return nil
}

// actionKinds is what the actions an Action entry names are decided for,
// and false when it names no S3 action. A wildcard may name actions S3
// adds after this list was written: it is taken for all kinds.
func actionKinds(action string) (actionKind, bool) {
	if action == "*" {
		return onBucket | onObject | onNeither, true
	}
	name, ok := strings.CutPrefix(action, "s3:")
	if !ok {
		return 0, false
	}
	if !strings.ContainsAny(name, "*?") {
		kind, ok := s3Actions[action]
		return kind, ok
	}
	var kinds actionKind
	for known, kind := range s3Actions {
		if policy.MatchAction(action, known) {
			kinds |= kind
		}
	}
	if kinds == 0 {
		kinds = onBucket | onObject | onNeither
	}
	return kinds, true
}

// resourceKinds is what a statement's resources may name: an object's ARN
// holds a slash after the bucket, a bucket's none, and a wildcard in a
// bucket's name may stand for either.
func resourceKinds(resources []string) actionKind {
	var kinds actionKind
	for _, r := range resources {
		if parts := strings.SplitN(r, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[2] == "s3" && parts[3] != "" {
			// An access point's ARN, arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME,
			// stands for its bucket and its own settings; /object/KEY
			// after it names an object, as a wildcard may.
			if rest, ok := strings.CutPrefix(parts[5], "accesspoint/"); ok {
				if strings.Contains(rest, "/object/") || strings.ContainsAny(rest, "*?") {
					kinds |= onObject
				}
				if !strings.Contains(rest, "/") {
					kinds |= onBucket | onNeither
				}
				continue
			}
		}
		name, _ := strings.CutPrefix(r, "arn:aws:s3:::")
		switch {
		case strings.Contains(name, "/"):
			kinds |= onObject
		case r == "*" || strings.ContainsAny(name, "*?"):
			kinds |= onBucket | onObject
		default:
			kinds |= onBucket
		}
	}
	return kinds
}
