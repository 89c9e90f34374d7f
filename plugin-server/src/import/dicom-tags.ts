// Tags and UIDs the media scanner reads, in one place. Tags use dicom-parser's `xGGGGEEEE`
// spelling; names are the DICOM keywords (PS3.6).

export const TAG = {
  FileMetaInformationGroupLength: 'x00020000',
  MediaStorageSOPClassUID: 'x00020002',
  MediaStorageSOPInstanceUID: 'x00020003',
  TransferSyntaxUID: 'x00020010',
  FileSetID: 'x00041130',
  OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity: 'x00041200',
  OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity: 'x00041202',
  DirectoryRecordSequence: 'x00041220',
  OffsetOfTheNextDirectoryRecord: 'x00041400',
  RecordInUseFlag: 'x00041410',
  OffsetOfReferencedLowerLevelDirectoryEntity: 'x00041420',
  DirectoryRecordType: 'x00041430',
  ReferencedFileID: 'x00041500',
  ReferencedSOPClassUIDInFile: 'x00041510',
  ReferencedSOPInstanceUIDInFile: 'x00041511',
  ReferencedTransferSyntaxUIDInFile: 'x00041512',
  SpecificCharacterSet: 'x00080005',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  StudyDate: 'x00080020',
  AccessionNumber: 'x00080050',
  Modality: 'x00080060',
  InstitutionName: 'x00080080',
  StudyDescription: 'x00081030',
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  IssuerOfPatientID: 'x00100021',
  PatientBirthDate: 'x00100030',
  PatientSex: 'x00100040',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  SeriesNumber: 'x00200011',
  InstanceNumber: 'x00200013',
  PixelData: 'x7fe00010',
} as const;

/** Transfer syntaxes whose dataset encoding differs from explicit VR little endian (PS3.5 10, A). */
export const TRANSFER_SYNTAX = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
} as const;

/** Media Storage Directory Storage: the SOP class of a DICOMDIR (PS3.4 Annex F, PS3.10 8.6). */
export const MEDIA_STORAGE_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';

/** How the bytes of a dataset are laid out; a transfer syntax implies one of these. */
export type DatasetEncoding = 'explicit-little' | 'implicit-little' | 'explicit-big' | 'deflated-explicit-little';

/** The dataset encoding a transfer syntax implies. Every syntax not named here (the compressed
 * pixel syntaxes: JPEG, JPEG-LS, JPEG 2000, RLE, MPEG, HTJ2K) encodes its dataset as explicit VR
 * little endian (PS3.5 A.4). */
export function encodingOfTransferSyntax(transferSyntaxUID: string): DatasetEncoding {
  switch (transferSyntaxUID) {
    case TRANSFER_SYNTAX.ImplicitVRLittleEndian:
      return 'implicit-little';
    case TRANSFER_SYNTAX.ExplicitVRBigEndian:
      return 'explicit-big';
    case TRANSFER_SYNTAX.DeflatedExplicitVRLittleEndian:
      return 'deflated-explicit-little';
    default:
      return 'explicit-little';
  }
}

/** The transfer syntax that stands for an encoding when a file does not say which one it used. */
export function transferSyntaxOfEncoding(encoding: DatasetEncoding): string {
  switch (encoding) {
    case 'implicit-little':
      return TRANSFER_SYNTAX.ImplicitVRLittleEndian;
    case 'explicit-big':
      return TRANSFER_SYNTAX.ExplicitVRBigEndian;
    case 'deflated-explicit-little':
      return TRANSFER_SYNTAX.DeflatedExplicitVRLittleEndian;
    case 'explicit-little':
      return TRANSFER_SYNTAX.ExplicitVRLittleEndian;
  }
}

/** Value representations whose explicit-VR length field is 4 bytes after 2 reserved bytes (PS3.5 7.1.2). */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

/** Every value representation of PS3.5 6.2. */
export const ALL_VRS: ReadonlySet<string> = new Set([
  ...LONG_LENGTH_VRS,
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'SL',
  'SS',
  'ST',
  'TM',
  'UI',
  'UL',
  'US',
]);
