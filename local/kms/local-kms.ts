import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  publicDecrypt,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import type { LocalAssembly } from '../template/local-assembly';
import { textOf } from '../template/values';
import { pointOf, scalarOf, signDigest, verifyDigest } from './ecdsa-p256';

/** A key the template declares (AWS::KMS::Key), with the id and ARN the local assembly gave it. */
export interface KeyConfig {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly description: string;
  readonly aliases: readonly string[];
}

interface StoredKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly description: string;
  readonly createdAt: number;
  /** PKCS#8 PEM; absent for the symmetric keys of the template, which only encrypt at rest. */
  readonly privatePem?: string;
}

const ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  RSA_2048: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
  RSA_3072: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
  RSA_4096: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
};
/** DER prefix of a SHA-256 DigestInfo (RFC 8017), what PKCS#1 v1.5 signs around a hash. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const MAX_RAW_MESSAGE = 4096;

/**
 * A stand-in for AWS KMS's asymmetric signing keys, which have no local engine: CreateKey,
 * DescribeKey, GetPublicKey, Sign and Verify with real ECDSA P-256 and RSA keys (node:crypto),
 * keys named by id, ARN, alias or alias ARN, and KMS's errors (NotFoundException,
 * InvalidKeyUsageException, ValidationException, KMSInvalidSignatureException). Keys are kept
 * in a file, so what was signed in one run still verifies in the next.
 */
export class LocalKms {
  private readonly keys = new Map<string, StoredKey>();
  private readonly aliases = new Map<string, string>();
  private readonly file: string;

  constructor(
    configs: readonly KeyConfig[],
    directory: string,
    private readonly env: { readonly region: string; readonly accountId: string },
  ) {
    mkdirSync(directory, { recursive: true });
    this.file = join(directory, 'keys.json');
    if (existsSync(this.file))
      for (const key of JSON.parse(readFileSync(this.file, 'utf8')) as StoredKey[])
        this.keys.set(key.keyId, key);
    for (const config of configs) {
      if (!this.keys.has(config.keyId))
        this.keys.set(config.keyId, this.newKey(config.keyId, config));
      for (const alias of config.aliases) this.aliases.set(alias, config.keyId);
    }
    this.save();
  }

  operations(): Record<string, JsonOperation> {
    return {
      CreateKey: (input) => {
        const keyId = randomUUID();
        const key = this.newKey(keyId, {
          keySpec: textOf(input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT'),
          keyUsage: textOf(input.KeyUsage ?? 'ENCRYPT_DECRYPT'),
          description: textOf(input.Description ?? ''),
          arn: `arn:aws:kms:${this.env.region}:${this.env.accountId}:key/${keyId}`,
        });
        this.keys.set(keyId, key);
        this.save();
        return { KeyMetadata: this.metadata(key) };
      },
      DescribeKey: (input) => ({ KeyMetadata: this.metadata(this.find(input.KeyId)) }),
      GetPublicKey: (input) => {
        const key = this.signingKey(input.KeyId);
        return {
          KeyId: key.arn,
          PublicKey: createPublicKey(this.privateKeyOf(key))
            .export({ format: 'der', type: 'spki' })
            .toString('base64'),
          KeySpec: key.keySpec,
          CustomerMasterKeySpec: key.keySpec,
          KeyUsage: key.keyUsage,
          SigningAlgorithms: ALGORITHMS[key.keySpec],
        };
      },
      Sign: (input) => {
        const { key, algorithm, message, digest } = this.signingInput(input);
        const privateKey = this.privateKeyOf(key);
        const signature = digest
          ? this.signHash(key, privateKey, algorithm, message)
          : sign('sha256', message, rsaOptions(privateKey, algorithm));
        return {
          KeyId: key.arn,
          Signature: signature.toString('base64'),
          SigningAlgorithm: algorithm,
        };
      },
      Verify: (input) => {
        const { key, algorithm, message, digest } = this.signingInput(input);
        const signature = blob(input.Signature, 'Signature');
        const publicKey = createPublicKey(this.privateKeyOf(key));
        const valid = digest
          ? this.verifyHash(key, publicKey, algorithm, message, signature)
          : verify('sha256', message, rsaOptions(publicKey, algorithm), signature);
        if (!valid)
          throw new AwsServiceError(
            'KMSInvalidSignatureException',
            'The signature verification failed.',
          );
        return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
      },
    };
  }

  private newKey(
    keyId: string,
    spec: { keySpec: string; keyUsage: string; description: string; arn: string },
  ): StoredKey {
    const { keySpec, keyUsage } = spec;
    const signing = ALGORITHMS[keySpec] !== undefined;
    if (keyUsage === 'SIGN_VERIFY' && !signing)
      throw new AwsServiceError(
        'ValidationException',
        `KeyUsage SIGN_VERIFY is not compatible with KeySpec ${keySpec}`,
      );
    if (signing && keyUsage !== 'SIGN_VERIFY')
      throw new AwsServiceError(
        'ValidationException',
        `KeyUsage ${keyUsage} is not supported for KeySpec ${keySpec} by the local runtime (only SIGN_VERIFY)`,
      );
    const pair =
      keySpec === 'ECC_NIST_P256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : keySpec.startsWith('RSA_')
          ? generateKeyPairSync('rsa', { modulusLength: Number(keySpec.slice(4)) })
          : undefined;
    return {
      keyId,
      arn: spec.arn,
      keySpec,
      keyUsage,
      description: spec.description,
      createdAt: Math.floor(Date.now() / 1000),
      ...(pair !== undefined
        ? { privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }
        : {}),
    };
  }

  private find(reference: unknown): StoredKey {
    if (typeof reference !== 'string' || reference === '')
      throw new AwsServiceError('ValidationException', 'KeyId is required');
    const alias = /^(arn:aws:kms:[^:]*:[^:]*:)?(alias\/.+)$/.exec(reference)?.[2];
    const id =
      alias !== undefined
        ? this.aliases.get(alias)
        : (/^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(reference)?.[1] ?? reference);
    const key = id === undefined ? undefined : this.keys.get(id);
    if (key === undefined)
      throw new AwsServiceError(
        'NotFoundException',
        alias !== undefined
          ? `Alias arn:aws:kms:${this.env.region}:${this.env.accountId}:${alias} is not found.`
          : `Key '${reference}' does not exist`,
      );
    return key;
  }

  private signingKey(reference: unknown): StoredKey {
    const key = this.find(reference);
    if (key.keyUsage !== 'SIGN_VERIFY' || key.privatePem === undefined)
      throw new AwsServiceError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for this operation.`,
      );
    return key;
  }

  private signingInput(input: Record<string, unknown>) {
    const key = this.signingKey(input.KeyId);
    const algorithm = textOf(input.SigningAlgorithm ?? '');
    if (!ALGORITHMS[key.keySpec]!.includes(algorithm))
      throw new AwsServiceError(
        'InvalidKeyUsageException',
        `Signing algorithm ${algorithm || '(none)'} is not valid for ${key.arn}, whose key spec is ${key.keySpec}.`,
      );
    const messageType = textOf(input.MessageType ?? 'RAW');
    if (messageType !== 'RAW' && messageType !== 'DIGEST')
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [DIGEST, RAW]`,
      );
    const message = blob(input.Message, 'Message');
    if (messageType === 'RAW' && message.length > MAX_RAW_MESSAGE)
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RAW_MESSAGE}`,
      );
    if (messageType === 'DIGEST' && message.length !== 32)
      throw new AwsServiceError(
        'ValidationException',
        `Digest is invalid length for algorithm ${algorithm}.`,
      );
    return { key, algorithm, message, digest: messageType === 'DIGEST' };
  }

  private signHash(key: StoredKey, privateKey: KeyObject, algorithm: string, hash: Buffer): Buffer {
    if (key.keySpec === 'ECC_NIST_P256')
      return signDigest(hash, scalarOf(privateKey.export({ format: 'jwk' })));
    if (algorithm === 'RSASSA_PKCS1_V1_5_SHA_256')
      return privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, hash]),
      );
    throw new AwsServiceError(
      'UnsupportedOperationException',
      `the local runtime signs ${algorithm} over RAW messages only`,
    );
  }

  private verifyHash(
    key: StoredKey,
    publicKey: KeyObject,
    algorithm: string,
    hash: Buffer,
    signature: Buffer,
  ): boolean {
    if (key.keySpec === 'ECC_NIST_P256')
      return verifyDigest(hash, signature, pointOf(publicKey.export({ format: 'jwk' })));
    if (algorithm !== 'RSASSA_PKCS1_V1_5_SHA_256')
      throw new AwsServiceError(
        'UnsupportedOperationException',
        `the local runtime verifies ${algorithm} over RAW messages only`,
      );
    try {
      const recovered = publicDecrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        signature,
      );
      return recovered.equals(Buffer.concat([SHA256_DIGEST_INFO, hash]));
    } catch {
      return false; // Not even a well-formed signature: invalid, as KMS answers.
    }
  }

  private privateKeyOf(key: StoredKey): KeyObject {
    return createPrivateKey(key.privatePem ?? '');
  }

  private metadata(key: StoredKey) {
    return {
      AWSAccountId: this.env.accountId,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: key.createdAt,
      Enabled: true,
      Description: key.description,
      KeyUsage: key.keyUsage,
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      ...(ALGORITHMS[key.keySpec] ? { SigningAlgorithms: ALGORITHMS[key.keySpec] } : {}),
      MultiRegion: false,
    };
  }

  private save(): void {
    writeFileSync(this.file, JSON.stringify([...this.keys.values()], null, 2), { mode: 0o600 });
  }
}

function blob(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || value === '')
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  return Buffer.from(value, 'base64');
}

function rsaOptions(key: KeyObject, algorithm: string) {
  return algorithm === 'RSASSA_PSS_SHA_256'
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : key;
}

/** The KMS keys and aliases of a template, as the local assembly resolved them. */
export function keyConfigs(assembly: LocalAssembly): KeyConfig[] {
  const aliases = assembly.ofType('AWS::KMS::Alias');
  return assembly.ofType('AWS::KMS::Key').map((key) => {
    const arn = key.values.attributes.Arn ?? '';
    return {
      keyId: key.values.ref,
      arn,
      keySpec: textOf(key.properties.KeySpec ?? 'SYMMETRIC_DEFAULT'),
      keyUsage: textOf(key.properties.KeyUsage ?? 'ENCRYPT_DECRYPT'),
      description: textOf(key.properties.Description ?? ''),
      aliases: aliases
        .filter((a) => [key.values.ref, arn].includes(textOf(a.properties.TargetKeyId ?? '')))
        .map((a) => textOf(a.properties.AliasName)),
    };
  });
}
