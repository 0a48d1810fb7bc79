// The service's TaskStatus, not System.Threading.Tasks.TaskStatus (which implicit usings bring in).
global using TaskStatus = CambApi.Client.TaskStatus;
