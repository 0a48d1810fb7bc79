global using CambApi.SpecTools;
