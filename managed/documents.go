package managed

import "github.com/trustgate/trustgate/policy"

// The documents below were written for trustgate from the permissions AWS's
// managed policy reference describes for each policy; none is AWS's text.
// Names, version ids and dates are AWS's, so that scripts that fetch a
// policy's default version, or compare dates, see what they see in AWS.
// Statement ids are trustgate's own (AWS's documents mostly have none).

var definitions = []definition{
	administratorAccess,
	powerUserAccess,
	readOnlyAccess,
	iamFullAccess,
	iamReadOnlyAccess,
	amazonS3FullAccess,
	amazonS3ReadOnlyAccess,
	fullAWSAccess,
	rcpFullAWSAccess,
}

// AdministratorAccess: every action on every resource. Same meaning as
// AWS's.
var administratorAccess = definition{
	name:        "AdministratorAccess",
	description: "Grants every action of every AWS service on every resource.",
	kind:        policy.Identity,
	version:     "v1",
	created:     "2015-02-06T18:39:46Z",
	updated:     "2015-02-06T18:39:46Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AnyActionAnyResource",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`,
}

// PowerUserAccess: everything except IAM, Organizations and Account
// Management, with the few calls of those three services that a developer
// needs (service-linked roles, listing roles, reading the organization and
// the account's own information) added back. Same meaning as AWS's (its
// version v12).
var powerUserAccess = definition{
	name:        "PowerUserAccess",
	description: "Grants full use of AWS services and resources, but not the management of IAM identities, the organization or the account.",
	kind:        policy.Identity,
	version:     "v12",
	created:     "2015-02-06T18:39:47Z",
	updated:     "2026-02-12T17:59:14Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllServicesButIdentityOrgAndAccount",
      "Effect": "Allow",
      "NotAction": [
        "account:*",
        "iam:*",
        "organizations:*"
      ],
      "Resource": "*"
    },
    {
      "Sid": "IdentityOrgAndAccountCallsStillAllowed",
      "Effect": "Allow",
      "Action": [
        "account:GetAccountInformation",
        "account:GetGovCloudAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeEffectivePolicy",
        "organizations:DescribeOrganization"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// ReadOnlyAccess: the read operations of every service. AWS's document
// (v178) names some 2,700 actions service by service; this one grants the
// same kind of access by pattern, with a wildcard service prefix, and stays
// far below the managed policy quota.
//
// The first statement allows, in every service, the operations whose names
// begin with a read verb: Get, List, Describe, BatchGet, BatchDescribe,
// Search, View and Lookup. The second adds the read operations of
// trustgate's services (and a few well-known others) that those verbs miss:
// IAM's credential and access reports (iam:Generate*) and policy simulation
// (iam:Simulate*), as AWS's ReadOnlyAccess grants them.
//
// For IAM, Organizations, Account Management and S3 this grants what AWS's
// ReadOnlyAccess grants. It differs from AWS's in meaning as follows:
//
//   - Wider: a read verb grants the whole verb in every service, while AWS
//     leaves out, service by service, the Get operations that hand out
//     secrets or credentials: sts:GetFederationToken (AWS allows only
//     sts:GetAccessKeyInfo, GetCallerIdentity and GetSessionToken),
//     secretsmanager:GetSecretValue, redshift:GetClusterCredentials,
//     redshift-serverless:GetCredentials, glue:GetConnection,
//     lightsail:GetInstanceAccessDetails and the like; and it lists only
//     some of the Get/List/Describe operations of a few services.
//   - Narrower: AWS also grants read operations named with other verbs in
//     some services (dynamodb:Query and Scan are kept here; but not, for
//     example, sqs:ReceiveMessage, logs:StartQuery, athena:Batch*,
//     cloudformation:Detect*, rds:Download*, codecommit:GitPull, Check*,
//     Validate*, Test*, Select*, Is* and the like).
//   - No Head verb: AWS actions are not named after HTTP's HEAD (S3
//     authorizes HeadObject as s3:GetObject and HeadBucket as
//     s3:ListBucket), so "*:Head*" would grant nothing.
var readOnlyAccess = definition{
	name:        "ReadOnlyAccess",
	description: "Grants read-only access (get, list and describe operations) to the resources of every AWS service.",
	kind:        policy.Identity,
	version:     "v178",
	created:     "2015-02-06T18:39:48Z",
	updated:     "2026-02-12T18:01:33Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadVerbsOfEveryService",
      "Effect": "Allow",
      "Action": [
        "*:BatchDescribe*",
        "*:BatchGet*",
        "*:Describe*",
        "*:Get*",
        "*:List*",
        "*:Lookup*",
        "*:Search*",
        "*:View*"
      ],
      "Resource": "*"
    },
    {
      "Sid": "ReadOperationsNamedOtherwise",
      "Effect": "Allow",
      "Action": [
        "apigateway:GET",
        "dynamodb:Query",
        "dynamodb:Scan",
        "iam:Generate*",
        "iam:Simulate*",
        "logs:FilterLogEvents"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// IAMFullAccess: all of IAM, and the Organizations reads that IAM's
// console uses to show service last-accessed data for the organization
// and the SCPs that apply. Same meaning as AWS's (its version v2).
var iamFullAccess = definition{
	name:        "IAMFullAccess",
	description: "Grants full control of IAM, with read access to the organization's structure and policies.",
	kind:        policy.Identity,
	version:     "v2",
	created:     "2015-02-06T18:40:38Z",
	updated:     "2019-06-21T19:40:00Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllOfIAM",
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    },
    {
      "Sid": "ReadTheOrganization",
      "Effect": "Allow",
      "Action": [
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListChildren",
        "organizations:ListParents",
        "organizations:ListPolicies",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListTargetsForPolicy"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// IAMReadOnlyAccess: IAM's Get and List operations, the credential report
// and service last-accessed reports, and policy simulation. Same meaning as
// AWS's (its version v4).
var iamReadOnlyAccess = definition{
	name:        "IAMReadOnlyAccess",
	description: "Grants read access to IAM: its entities and policies, credential and access reports, and policy simulation.",
	kind:        policy.Identity,
	version:     "v4",
	created:     "2015-02-06T18:40:39Z",
	updated:     "2018-01-25T19:11:27Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadIAM",
      "Effect": "Allow",
      "Action": [
        "iam:Get*",
        "iam:List*",
        "iam:GenerateCredentialReport",
        "iam:GenerateServiceLastAccessedDetails",
        "iam:SimulateCustomPolicy",
        "iam:SimulatePrincipalPolicy"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// AmazonS3FullAccess: every S3 and S3 Object Lambda action. Same meaning
// as AWS's (its version v2).
var amazonS3FullAccess = definition{
	name:        "AmazonS3FullAccess",
	description: "Grants every Amazon S3 and S3 Object Lambda action on all buckets, objects and access points.",
	kind:        policy.Identity,
	version:     "v2",
	created:     "2015-02-06T18:40:58Z",
	updated:     "2021-09-27T20:16:37Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllOfS3",
      "Effect": "Allow",
      "Action": [
        "s3:*",
        "s3-object-lambda:*"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// AmazonS3ReadOnlyAccess: S3's Get, List and Describe operations, and S3
// Object Lambda's Get and List. Same meaning as AWS's (its version v3).
var amazonS3ReadOnlyAccess = definition{
	name:        "AmazonS3ReadOnlyAccess",
	description: "Grants read and list access to all Amazon S3 buckets and objects, directly or through S3 Object Lambda.",
	kind:        policy.Identity,
	version:     "v3",
	created:     "2015-02-06T18:40:59Z",
	updated:     "2023-08-10T21:31:39Z",
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadS3",
      "Effect": "Allow",
      "Action": [
        "s3:Describe*",
        "s3:Get*",
        "s3:List*",
        "s3-object-lambda:Get*",
        "s3-object-lambda:List*"
      ],
      "Resource": "*"
    }
  ]
}`,
}

// FullAWSAccess: the SCP Organizations attaches to the root, every OU and
// every account when SCPs are enabled; it lets every action through the
// SCP check. Same meaning as AWS's.
var fullAWSAccess = definition{
	name:        "FullAWSAccess",
	description: "Default service control policy: lets every action through.",
	kind:        policy.ServiceControl,
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "LetEverythingThrough",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`,
}

// RCPFullAWSAccess: the RCP Organizations attaches to the root, every OU
// and every account when RCPs are enabled; it lets every request on every
// resource through the RCP check. It is the only RCP that may allow. Same
// meaning as AWS's.
var rcpFullAWSAccess = definition{
	name:        "RCPFullAWSAccess",
	description: "Default resource control policy: lets every request on every resource through.",
	kind:        policy.ResourceControl,
	document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "LetEverythingThrough",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`,
}
