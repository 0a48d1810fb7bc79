// No alias needed: SeparationStatus does not clash with System.Threading.Tasks.TaskStatus.
global using CambApi.Client;
global using CambApi.Testing;
