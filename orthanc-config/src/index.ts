export { freePort } from './free-port.ts';
export {
  ORTHANC_PROFILES,
  orthancAuthorizationHeader,
  orthancExecutable,
  readProfile,
  startOrthanc,
  type OrthancCredentials,
  type OrthancProcessOptions,
  type OrthancProfile,
  type RunningOrthanc,
} from './orthanc-process.ts';
