// The generated client: SeparationStatus and the models live there (no clash with System.Threading.Tasks).
global using CambApi.Client;
